/**
 * Languages a phone number's country calling code suggests: +93 (Afghanistan) → Dari,
 * Pashto; +964 (Iraq) → Arabic, then Sorani and Kurmanji. Pure; both WhatsApp adapters call it.
 *
 * Only a suggestion: the language picker shows these first and the respondent taps one.
 * The number is read here and nowhere kept — callers pass on the languages only.
 * @module
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { matchLanguages } from '../../surveys/languages.ts';

/**
 * Calling code → languages, most likely first. Where a country speaks several of the
 * survey's languages all are listed, since who writes from there is not known. Host
 * countries (+31, +32, +49 …) are left out on purpose: newcomers soon have a local number,
 * and it says nothing about the language they read.
 */
export const LANGUAGES_BY_CALLING_CODE: Readonly<Record<string, readonly string[]>> = {
  '93': ['prs', 'ps', 'fa'],
  '98': ['fa'],
  '963': ['ar', 'kmr'],
  '964': ['ar', 'ckb', 'kmr'],
  '962': ['ar'],
  '961': ['ar'],
  '966': ['ar'],
  '20': ['ar'],
  '249': ['ar'],
  '212': ['ar'],
  '216': ['ar'],
  '213': ['ar'],
  '218': ['ar'],
  '967': ['ar'],
  '970': ['ar'],
  '380': ['uk', 'ru'],
  '375': ['ru'],
  '7': ['ru'],
  '291': ['ti', 'ar'],
  '251': ['am', 'ti', 'so'],
  '252': ['so'],
  '253': ['so', 'ar', 'fr'],
  '90': ['tr', 'kmr'],
  '48': ['pl'],
  '92': ['ur', 'ps'],
};

/**
 * The digits of a WhatsApp phone-number JID (`93701234567@s.whatsapp.net`, with or without
 * a device suffix `:3`); null for a LID or anything else, which carries no number.
 */
export function jidDigits(jid: string | null | undefined): string | null {
  const m = jid?.match(/^(\d{6,15})(?::\d+)?@s\.whatsapp\.net$/);
  return m ? m[1]! : null;
}

/**
 * The survey's languages a number in E.164 (or bare international digits) suggests, most
 * likely first (all of the table's when `supported` is left out); empty when the number cannot be read or its country is not in the table.
 */
export function languagesForNumber(number: string, supported?: readonly string[]): string[] {
  const raw = number.startsWith('+') ? number : `+${number}`;
  const code = parsePhoneNumberFromString(raw)?.countryCallingCode;
  const all = code ? (LANGUAGES_BY_CALLING_CODE[code] ?? []) : [];
  return supported ? matchLanguages(all, supported) : [...all];
}

/** {@link languagesForNumber} over every JID a sender is known by (only phone-number JIDs say anything). */
export function languagesForJids(jids: readonly (string | null | undefined)[], supported?: readonly string[]): string[] {
  for (const j of jids) {
    const digits = jidDigits(j);
    if (digits) return languagesForNumber(digits, supported);
  }
  return [];
}
