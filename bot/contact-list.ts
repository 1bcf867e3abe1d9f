/**
 * Reading an invitation list (CSV, as Excel writes it in English or Dutch): who may be
 * invited, who may not (no recorded prior consent to be contacted, not a mobile number), and
 * what is wrong with the file. Numbers never leave this module except as the WhatsApp address
 * the invitation goes to; messages name the line, never the number.
 * @module
 */
import type { CountryCode } from 'libphonenumber-js/max';
import { mobileNumber } from './phone.ts';
import { readCsv } from './csv-read.ts';
import { UsageError } from './usage-error.ts';

const PHONE = ['phone', 'number', 'phone_number', 'whatsapp', 'mobile', 'telefoon', 'telefoonnummer', 'mobiel', 'mobiel_nummer', 'nummer'];
const CONSENT = ['consent', 'consent_to_contact', 'contact_consent', 'may_contact', 'toestemming', 'akkoord'];
const LANGUAGE = ['language', 'lang', 'taal'];
const YES = /^(yes|y|ja|j|true|1|x|✓|akkoord)$/i;
const NO = /^(no|n|nee|false|0|)$/i;

export interface Invitee {
  line: string;
  /** E.164 without the +: what the WhatsApp address and the invitation key are made of. */
  digits: string;
  language: string;
}
export type RefusalReason = 'no_consent' | 'not_mobile' | 'duplicate' | 'do_not_contact';
export interface ContactList {
  invitees: Invitee[];
  /** `reason` is for pages (translated there), `why` the English words the CLI prints. */
  refused: Array<{ line: string; why: string; reason: RefusalReason }>;
}

/** "Telefoon nummer", "Toestemming (ja/nee)", "phone-number" → telefoon_nummer, toestemming, phone_number. */
function normalised(header: string): string {
  return header
    .replace(/\(.*\)\s*$/, '')
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
}

function column(headers: string[], names: string[]): string | undefined {
  return headers.find((h) => names.includes(normalised(h)));
}

/**
 * Parses the list; errors (missing columns, unclear consent, unknown languages, bad numbers)
 * stop everything, refusals (no consent, not a mobile number, a repeated number) are listed.
 * `region` is the country of numbers written without a country code.
 */
export function readContactList(
  text: string | Buffer,
  shown: string,
  languages: readonly string[],
  defaultLanguage: string,
  region: CountryCode = 'NL',
): ContactList {
  const { headers, rows } = readCsv(text, shown, 'it needs a header line with "phone" and "consent" (or "telefoon" and "toestemming") and a line per person');
  const phoneCol = column(headers, PHONE);
  const consentCol = column(headers, CONSENT);
  const langCol = column(headers, LANGUAGE);
  if (!phoneCol) throw new UsageError(`${shown}: no phone column (the header has ${headers.join(', ')}); name it "phone" (or "telefoon")`);
  if (!consentCol)
    throw new UsageError(
      `${shown}: no consent column (the header has ${headers.join(', ')}); the list must record, per person, that they agreed to be contacted: add a "consent" (or "toestemming") column with yes/no`,
    );
  const errors: string[] = [];
  const out: ContactList = { invitees: [], refused: [] };
  const seen = new Map<string, string>();
  for (const r of rows) {
    const consent = r.cells[consentCol]?.trim() ?? '';
    if (!YES.test(consent)) {
      if (!NO.test(consent)) errors.push(`${r.place}: consent "${consent}" is not yes or no`);
      else out.refused.push({ line: r.place, why: 'no recorded consent to be contacted', reason: 'no_consent' });
      continue;
    }
    const phone = mobileNumber(r.cells[phoneCol] ?? '', region);
    if (!phone.ok) {
      // A landline is a real number of someone who cannot get the message: listed, not fatal.
      if (phone.reason.startsWith('not a mobile number')) out.refused.push({ line: r.place, why: phone.reason, reason: 'not_mobile' });
      else errors.push(`${r.place}: ${phone.reason}`);
      continue;
    }
    const lang = (langCol ? r.cells[langCol]?.trim().toLowerCase() : '') || defaultLanguage;
    if (!languages.includes(lang)) {
      errors.push(`${r.place}: language "${lang}" is not one of the survey's languages (${languages.join(', ')})`);
      continue;
    }
    const digits = phone.e164.slice(1);
    const first = seen.get(digits);
    if (first !== undefined) {
      out.refused.push({ line: r.place, why: `the same number as ${first}`, reason: 'duplicate' });
      continue;
    }
    seen.set(digits, r.place);
    out.invitees.push({ line: r.place, digits, language: lang });
  }
  if (errors.length > 0) throw new UsageError([...errors, `${shown}: ${errors.length} problem(s); nobody was invited`].join('\n'));
  return out;
}
