/**
 * The one place phone numbers are read: libphonenumber-js (full metadata, for the number
 * type) turns what people write (`06-12345678`, `+32 470 12 34 56`, `0031 6 …`) into E.164,
 * with a default region for numbers written without a country code. Reasons never repeat
 * the number, so they can be printed and logged.
 * @module
 */
import { type CountryCode, getCountries, parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string; country: string | undefined } | { ok: false; reason: string };

const COUNTRIES = new Set<string>(getCountries());

/** `nl` or `NL` → `NL`; null when libphonenumber does not know the region. */
export function phoneRegion(s: string): CountryCode | null {
  const cc = s.trim().toUpperCase();
  return COUNTRIES.has(cc) ? (cc as CountryCode) : null;
}

const TYPE_NAMES: Record<string, string> = {
  FIXED_LINE: 'a landline',
  VOIP: 'an internet (VoIP) number',
  TOLL_FREE: 'a toll-free number',
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  PERSONAL_NUMBER: 'a personal (forwarding) number',
  PAGER: 'a pager number',
  UAN: 'a company number',
  VOICEMAIL: 'a voicemail number',
};

function parse(raw: string, region: CountryCode): PhoneNumber | undefined {
  const p = parsePhoneNumberFromString(raw, { defaultCountry: region });
  if (p?.isValid()) return p;
  // Digits with the country code but without + or 00 (31612345678) were the old list format.
  const digits = raw.replace(/[\s().-]/g, '');
  if (/^[1-9]\d{7,14}$/.test(digits)) {
    const intl = parsePhoneNumberFromString(`+${digits}`);
    if (intl?.isValid()) return intl;
  }
  return p;
}

/** Any valid number (a landline too), e.g. the bot's own WhatsApp Business number. */
export function phoneNumber(raw: string, region: CountryCode): PhoneResult {
  const text = raw.trim();
  if (text === '') return { ok: false, reason: 'no phone number' };
  const p = parse(text, region);
  if (!p)
    return { ok: false, reason: `not a phone number; write it with the country code (+31612345678) or as a number of ${region} (without a country code)` };
  if (!p.isValid())
    return {
      ok: false,
      reason: `not a valid phone number in ${p.country ?? `country code +${p.countryCallingCode}`} (check for a missing or extra digit); write it with the country code, e.g. +31612345678`,
    };
  return { ok: true, e164: p.number, country: p.country };
}

/** A number that can receive WhatsApp messages as a person's: type MOBILE or FIXED_LINE_OR_MOBILE. */
export function mobileNumber(raw: string, region: CountryCode): PhoneResult {
  const r = phoneNumber(raw, region);
  if (!r.ok) return r;
  const type = parsePhoneNumberFromString(r.e164)?.getType();
  if (type === 'MOBILE' || type === 'FIXED_LINE_OR_MOBILE') return r;
  return {
    ok: false,
    reason: `not a mobile number (${TYPE_NAMES[type ?? ''] ?? 'a number of unknown type'} in ${r.country ?? 'its country'}); invitations need a mobile number`,
  };
}
