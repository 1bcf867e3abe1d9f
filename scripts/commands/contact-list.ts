/**
 * Reading an invitation list (CSV): who may be invited, who may not (no recorded prior
 * consent to be contacted), and what is wrong with the file. Numbers never leave this module
 * except as the WhatsApp address the invitation goes to.
 * @module
 */
import { UsageError } from '../errors.ts';
import { parseCsv } from './translations/table.ts';

const PHONE = ['phone', 'number', 'phone_number', 'whatsapp', 'mobile'];
const CONSENT = ['consent', 'consent_to_contact', 'contact_consent', 'may_contact'];
const YES = /^(yes|y|ja|j|true|1|x|✓)$/i;
const NO = /^(no|n|nee|false|0|)$/i;

export interface Invitee {
  line: string;
  digits: string;
  language: string;
}
export interface ContactList {
  invitees: Invitee[];
  refused: Array<{ line: string; why: string }>;
}

function column(headers: string[], names: string[]): string | undefined {
  return headers.find((h) =>
    names.includes(
      h
        .trim()
        .toLowerCase()
        .replace(/[\s-]+/g, '_'),
    ),
  );
}

/** Parses the list; errors (bad numbers, missing columns, unknown languages) stop everything, refusals are listed. */
export function readContactList(text: string, shown: string, languages: readonly string[], defaultLanguage: string): ContactList {
  const { headers, rows } = parseCsv(text, shown);
  const phoneCol = column(headers, PHONE);
  const consentCol = column(headers, CONSENT);
  const langCol = column(headers, ['language', 'lang', 'taal']);
  if (!phoneCol) throw new UsageError(`${shown}: no phone column (the header has ${headers.join(', ')}); name it "phone"`);
  if (!consentCol)
    throw new UsageError(
      `${shown}: no consent column (the header has ${headers.join(', ')}); the list must record, per person, that they agreed to be contacted: add a "consent" column with yes/no`,
    );
  const errors: string[] = [];
  const out: ContactList = { invitees: [], refused: [] };
  const seen = new Map<string, string>();
  for (const r of rows) {
    const raw = r.cells[phoneCol]?.trim() ?? '';
    const digits = raw.replace(/[\s().-]/g, '').replace(/^(\+|00)/, '');
    if (!/^\d{8,15}$/.test(digits)) {
      errors.push(`${r.place}: "${raw}" is not a phone number; write it with the country code, e.g. +31612345678`);
      continue;
    }
    const consent = r.cells[consentCol]?.trim() ?? '';
    if (!YES.test(consent)) {
      if (!NO.test(consent)) errors.push(`${r.place}: consent "${consent}" is not yes or no`);
      else out.refused.push({ line: r.place, why: 'no recorded consent to be contacted' });
      continue;
    }
    const lang = (langCol ? r.cells[langCol]?.trim().toLowerCase() : '') || defaultLanguage;
    if (!languages.includes(lang)) {
      errors.push(`${r.place}: language "${lang}" is not one of the survey's languages (${languages.join(', ')})`);
      continue;
    }
    const first = seen.get(digits);
    if (first !== undefined) {
      out.refused.push({ line: r.place, why: `the same number as ${first}` });
      continue;
    }
    seen.set(digits, r.place);
    out.invitees.push({ line: r.place, digits, language: lang });
  }
  if (errors.length > 0) throw new UsageError([...errors, `${shown}: ${errors.length} problem(s); nobody was invited`].join('\n'));
  return out;
}
