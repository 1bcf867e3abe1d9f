/**
 * Reading what people type: invisible characters, other digit systems, numbers and dates.
 * @module
 */

// Bidi controls and zero-width characters arrive from RTL keyboards and copy-paste; they
// carry no meaning for an answer but break number parsing and comparisons.
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF\u00AD]/g;

/** Strips invisible characters and surrounding white space, and folds runs of spaces. */
export function cleanText(raw: string): string {
  return raw
    .replace(INVISIBLE, '')
    .replace(/[ \t]+/g, ' ')
    .trim();
}

const DIGIT_BASES = [0x0660 /* Arabic-Indic */, 0x06f0 /* Persian */, 0x0966 /* Devanagari */, 0xff10 /* full width */];

/** Maps Arabic-Indic, Persian, Devanagari and full-width digits to 0–9, and the Arabic decimal separator to '.'. */
export function westernDigits(s: string): string {
  let out = '';
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    const base = DIGIT_BASES.find((b) => cp >= b && cp <= b + 9);
    out += base === undefined ? ch : String(cp - base);
  }
  return out.replace(/\u066B/g, '.').replace(/\u066C/g, '');
}

/** A number written alone (optionally signed, with ',' or '.' as decimal mark), or null. */
export function parseNumber(raw: string): number | null {
  // Spaces inside are not thousands separators here: "5 6" is two answers, not 56.
  const s = westernDigits(cleanText(raw));
  if (!/^[+-]?\d+([.,]\d+)?$/.test(s)) return null;
  const n = Number(s.replace(',', '.'));
  return Number.isFinite(n) ? n : null;
}

/** Several numbers separated by commas, spaces or "and"-like separators ("1, 3", "1 3", "۱،۳"). */
export function parseNumberList(raw: string): number[] | null {
  const s = westernDigits(cleanText(raw))
    .replace(/[،,;+&/]/g, ' ')
    .trim();
  if (!/^\d+(\s+\d+)*$/.test(s)) return null;
  return s.split(/\s+/).map(Number);
}

/** True when the text has no letters or digits at all (emoji, punctuation only). */
export function hasNoWords(s: string): boolean {
  return !/[\p{L}\p{N}]/u.test(s);
}

/**
 * A date as YYYY, YYYY-MM or YYYY-MM-DD. Accepts ISO order and day-first orders with
 * '-', '/' or '.' (the orders used where our respondents live), and a bare year.
 */
export function parseDate(raw: string): string | null {
  const s = westernDigits(cleanText(raw));
  let m: RegExpMatchArray | null;
  let y: number,
    mo: number | null = null,
    d: number | null = null;
  if ((m = s.match(/^(\d{4})$/))) y = Number(m[1]);
  else if ((m = s.match(/^(\d{4})[-/.](\d{1,2})$/))) (y = Number(m[1])), (mo = Number(m[2]));
  else if ((m = s.match(/^(\d{1,2})[-/.](\d{4})$/))) (mo = Number(m[1])), (y = Number(m[2]));
  else if ((m = s.match(/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/))) (y = Number(m[1])), (mo = Number(m[2])), (d = Number(m[3]));
  else if ((m = s.match(/^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/))) (d = Number(m[1])), (mo = Number(m[2])), (y = Number(m[3]));
  else return null;
  if (y < 1900 || y > 2100) return null;
  if (mo === null) return String(y);
  if (mo < 1 || mo > 12) return null;
  const mm = String(mo).padStart(2, '0');
  if (d === null) return `${y}-${mm}`;
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  if (d < 1 || d > daysInMonth) return null;
  return `${y}-${mm}-${String(d).padStart(2, '0')}`;
}

/** Compares partial ISO dates by their common prefix ("2024" vs "2024-05" → equal). */
export function compareDates(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  return a.slice(0, n) < b.slice(0, n) ? -1 : a.slice(0, n) > b.slice(0, n) ? 1 : 0;
}
