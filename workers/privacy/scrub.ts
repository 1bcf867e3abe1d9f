/**
 * Masks personal details in what respondents typed or said: phone numbers, e-mail addresses,
 * IBANs, BSN-like numbers, street addresses with a house number and URLs become `[phone]`,
 * `[email]`, `[iban]`, `[bsn]`, `[address]`, `[url]`.
 *
 * The one scrubber for every reader: the translation worker scrubs before a text leaves for
 * the MT server, and the web app (dashboard, exports, API) scrubs everything it shows. It lives
 * in workers/ because that is the innermost room both can import and libphonenumber may enter
 * (surveys/ stays zod and yaml only). Pure: no I/O, no clock. The original stays in the database.
 * @module
 */
import { findPhoneNumbersInText, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/max';

export type DetailKind = 'phone' | 'email' | 'iban' | 'bsn' | 'address' | 'url';

export interface ScrubOptions {
  /** Region for numbers written without a country code (PHONE_DEFAULT_REGION); NL is always tried too. */
  region?: string | undefined;
}

/** Eastern-Arabic, Persian and full-width digits as ASCII, one UTF-16 unit each, so offsets stay put. */
function asciiDigits(text: string): string {
  return text.replace(/[\u0660-\u0669\u06F0-\u06F9\uFF10-\uFF19]/g, (d) => {
    const c = d.charCodeAt(0);
    return String(c >= 0xff10 ? c - 0xff10 : c >= 0x06f0 ? c - 0x06f0 : c - 0x0660);
  });
}

/** Bidi controls and zero-width characters: invisible, and able to split a number in two. */
export const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\u061C\uFEFF]/g;

type Span = { start: number; end: number; kind: DetailKind };

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
const URL_SCHEME = /\b(?:https?:\/\/|www\.)[^\s<>"'()[\]]*[^\s<>"'()[\].,;:!?]/giu;
const TLDS = 'com|nl|org|net|info|io|me|be|de|eu|uk|fr|app|ly|gl|to|tv|co|gov|edu|page|site|online';
const URL_BARE = new RegExp(
  `(?<![\\p{L}\\p{N}@.-])[\\p{L}\\p{N}-]+(?:\\.[\\p{L}\\p{N}-]+)*\\.(?:${TLDS})(?![\\p{L}\\p{N}-])(?:\\/[^\\s<>"']*[^\\s<>"'.,;:!?])?`,
  'giu',
);
const IBAN = /\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b/gi;
const BSN = /(?<![\d.])\d{4}[. ]?\d{2}[. ]?\d{3}(?![\d])|(?<!\d)\d{9}(?!\d)/g;
const STREET_NL = '(?:straat|weg|laan|plein|gracht|kade|dijk|singel|hof|pad|steeg|dreef|markt|plantsoen|park|baan|straatweg)';
const HOUSE = '\\d{1,5}(?:\\s?-\\s?\\d{1,5}|\\s?[a-zA-Z](?![\\p{L}]))?';
/** `Stationsstraat 12a`, `Jan van Galenstraat 5`, `Kerkweg 3-5`, `Baker Street 221b`. */
const ADDRESS_AFTER = new RegExp(
  `(?<![\\p{L}])(?:(?:\\p{Lu}\\p{L}*|van|de|der|den|het|ter|ten)[ ]){0,3}\\p{L}*${STREET_NL}[ ]+${HOUSE}|(?<![\\p{L}])(?:\\p{Lu}\\p{L}+[ ]){1,3}(?:Street|St\\.?|Road|Rd\\.?|Avenue|Ave\\.?|Lane)[ ,]+${HOUSE}`,
  'gu',
);
/** Whether an address is possible at all: a street word next to a number (the full patterns are slow). */
const ADDRESS_HINT = new RegExp(`${STREET_NL}[ ]+\\d|\\d[a-zA-Z]?[ ]+\\p{Lu}|(?:Street|St\\.?|Road|Rd\\.?|Avenue|Ave\\.?|Lane)[ ,]+\\d`, 'u');
/** `12 Baker Street`, `5 Main St`. */
const ADDRESS_BEFORE = /(?<!\d)\d{1,5}[a-zA-Z]?[ ]+(?:\p{Lu}\p{L}+[ ]){1,3}(?:Street|St\b\.?|Road|Rd\b\.?|Avenue|Ave\b\.?|Lane)/gu;
/** A Dutch postcode (1234 AB): with a house number it names a home. */
const POSTCODE = /(?<![\p{L}\p{N}])[1-9]\d{3}[ ]?(?!SA|SD|SS)[A-Z]{2}(?![\p{L}\p{N}])/gu;
/** Dutch mobiles however they are spaced: `06-1234 5678`, `06 12 34 56 78`. */
const NL_MOBILE = /(?<!\d)0[ -]*6(?:[ .-]*\d){8}(?!\d)/g;
/** Long numbers written like phone numbers (+…, 00…, 0…) that libphonenumber did not accept: mask anyway. */
const PHONE_LIKE = /(?<![\d\p{L}])(?:\+|00|0)[ ]?\(?\d(?:[ ().\-/]{0,2}\d){7,}/gu;
/** A bare run of digits that is E.164 without its plus (31612345678). */
const DIGIT_RUN = /(?<!\d)\d{10,15}(?!\d)/g;

/** IBAN checksum (ISO 13616, mod 97 = 1). */
export function validIban(candidate: string): boolean {
  const s = candidate.replace(/ /g, '').toUpperCase();
  if (s.length < 15 || s.length > 34 || !/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s)) return false;
  const moved = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of moved) {
    const v = ch >= 'A' ? String(ch.charCodeAt(0) - 55) : ch;
    for (const d of v) rest = (rest * 10 + Number(d)) % 97;
  }
  return rest === 1;
}

/** The Dutch 11-proef of a BSN: 9·d1 + 8·d2 + … + 2·d8 − 1·d9 is a multiple of 11 (and not 0). */
export function elevenProof(candidate: string): boolean {
  const d = candidate.replace(/\D/g, '');
  if (d.length !== 9 || /^0+$/.test(d)) return false;
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(d[i]) * (9 - i);
  sum -= Number(d[8]);
  return sum % 11 === 0;
}

function regexSpans(text: string, re: RegExp, kind: DetailKind, keep: (m: string) => boolean = () => true): Span[] {
  const out: Span[] = [];
  for (const m of text.matchAll(re)) if (keep(m[0])) out.push({ start: m.index, end: m.index + m[0].length, kind });
  return out;
}

function phoneSpans(text: string, regions: readonly CountryCode[]): Span[] {
  const out: Span[] = [];
  for (const region of regions) for (const f of findPhoneNumbersInText(text, region)) out.push({ start: f.startsAt, end: f.endsAt, kind: 'phone' });
  out.push(...regexSpans(text, NL_MOBILE, 'phone'));
  out.push(...regexSpans(text, DIGIT_RUN, 'phone', (m) => parsePhoneNumberFromString(`+${m}`)?.isValid() === true));
  out.push(...regexSpans(text, PHONE_LIKE, 'phone', (m) => m.replace(/\D/g, '').length >= 9));
  return out;
}

/** The personal details found in `text`, by position, earlier and longer matches first; none overlap. */
export function findDetails(text: string, opts: ScrubOptions = {}): Span[] {
  // Detection runs on a copy with ASCII digits and invisibles as spaces: the same length, so spans map back.
  const norm = asciiDigits(text).replace(INVISIBLE, ' ');
  const region = (opts.region ?? 'NL').toUpperCase() as CountryCode;
  const regions: CountryCode[] = region === 'NL' ? ['NL'] : [region, 'NL'];
  // Cheap guards first: most answers have no digits or @, and libphonenumber is the costly part.
  const digits = norm.match(/\d/g)?.length ?? 0;
  // Phones, IBANs and BSNs all have 7 or more digits close together (IBAN letters aside).
  const numbers = digits >= 7 && /\d(?:[ ().\-/]{0,2}[A-Z]{0,4}[ ]?\d){6,}/i.test(norm);
  // Order matters for overlaps: an e-mail before the URL of its domain, an IBAN before the phone in its digits.
  const found = [
    ...(norm.includes('@') ? regexSpans(norm, EMAIL, 'email') : []),
    ...regexSpans(norm, URL_SCHEME, 'url'),
    ...(norm.includes('.') ? regexSpans(norm, URL_BARE, 'url') : []),
    ...(numbers ? regexSpans(norm, IBAN, 'iban', validIban) : []),
    ...(numbers ? regexSpans(norm, BSN, 'bsn', elevenProof) : []),
    ...(numbers ? phoneSpans(norm, regions) : []),
    ...(digits > 0 && ADDRESS_HINT.test(norm) ? regexSpans(norm, ADDRESS_AFTER, 'address') : []),
    ...(digits > 0 && ADDRESS_HINT.test(norm) ? regexSpans(norm, ADDRESS_BEFORE, 'address') : []),
    ...(digits > 0 ? regexSpans(norm, POSTCODE, 'address') : []),
  ];
  const rank = new Map(found.map((s, i) => [s, i]));
  found.sort((a, b) => a.start - b.start || b.end - a.end || rank.get(a)! - rank.get(b)!);
  const spans: Span[] = [];
  for (const s of found) {
    const last = spans[spans.length - 1];
    if (last && s.start < last.end) {
      // Overlapping matches merge into one mask (the first kind names it).
      if (s.end > last.end) last.end = s.end;
      continue;
    }
    spans.push({ ...s });
  }
  return spans;
}

function maskOnce(text: string, opts: ScrubOptions): string {
  const spans = findDetails(text, opts);
  if (spans.length === 0) return text;
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += `${text.slice(at, s.start)}[${s.kind}]`;
    at = s.end;
  }
  return out + text.slice(at);
}

/**
 * `text` with every personal detail masked. Repeats until nothing more is found (masking can
 * bring digits together that were apart), so the result is stable: scrubbing it again changes nothing.
 */
export function scrubText(text: string, opts: ScrubOptions = {}): string {
  let cur = text;
  for (let i = 0; i < 4; i++) {
    const next = maskOnce(cur, opts);
    if (next === cur) return cur;
    cur = next;
  }
  return cur;
}

/** A nullable text, scrubbed. */
export const scrubNullable = (text: string | null, opts: ScrubOptions = {}): string | null => (text === null ? null : scrubText(text, opts));

/** A `translations` JSON object (language → text) with each text scrubbed; malformed JSON is dropped rather than shown raw. */
export function scrubTranslationsJson(json: string | null, opts: ScrubOptions = {}): string | null {
  if (json === null) return null;
  try {
    const parsed = JSON.parse(json) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return null;
    return JSON.stringify(Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, typeof v === 'string' ? scrubText(v, opts) : ''])));
  } catch {
    return null;
  }
}
