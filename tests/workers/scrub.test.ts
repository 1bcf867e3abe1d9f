/**
 * The scrubber on its own: each kind of personal detail in Dutch, English, Arabic, Farsi and
 * Tigrinya text, what must stay (years, amounts, ordinary words), and two properties over
 * generated texts: no phone number libphonenumber can find survives, and scrubbing is idempotent.
 */
import fc from 'fast-check';
import { findPhoneNumbersInText } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { elevenProof, scrubText, scrubTranslationsJson, validIban } from '../../workers/privacy/scrub.ts';

describe('scrubText', () => {
  it.each([
    ['Bel me op 06-12345678 of 06 12 34 56 78', 'Bel me op [phone] of [phone]'],
    ['06 - 1234 5678 graag', '[phone] graag'],
    ['+31 6 12345678 / 0031612345678 / 31612345678', '[phone] / [phone] / [phone]'],
    ['رقمي +249 912 345 678 شكرا', 'رقمي [phone] شكرا'],
    ['رقمي ٠٦١٢٣٤٥٦٧٨ شكرا', 'رقمي [phone] شكرا'],
    ['شماره من ۰۶۱۲۳۴۵۶۷۸ است', 'شماره من [phone] است'],
    ['ቁጽረይ +251 91 123 4567 እዩ', 'ቁጽረይ [phone] እዩ'],
    ['+31\u200E6 1234\u2066 5678', '[phone]'],
    ['mail me: ahmed.x+work@example.nl.', 'mail me: [email].'],
    ['IBAN NL91 ABNA 0417 1643 00 of NL91ABNA0417164300', 'IBAN [iban] of [iban]'],
    ['mijn BSN is 123456782', 'mijn BSN is [bsn]'],
    ['Ik woon Stationsstraat 12a, vroeger Kerkweg 3-5 en Jan van Galenstraat 5', 'Ik woon [address], vroeger [address] en [address]'],
    ['I live at 221b Baker Street, before that Main Road 4', 'I live at [address], before that [address]'],
    ['postcode 3511 AB', 'postcode [address]'],
    ['see https://example.org/x?y=1, www.site.nl or facebook.com/ahmed', 'see [url], [url] or [url]'],
  ])('%s', (input, expected) => {
    expect(scrubText(input)).toBe(expected);
  });

  it('leaves ordinary numbers and words alone', () => {
    for (const s of [
      'Ik werk 40 uur per week sinds 2019 en verdien 1500 euro',
      'الطبيب بعيد جدا، انتظرت ٣ أشهر',
      'Ik ben 34 jaar en heb 2 kinderen',
      'Score 7 van 10',
      '123456789 is geen BSN',
      '😀😀🙏',
    ])
      expect(scrubText(s)).toBe(s);
  });

  it('keeps bidi controls and mixed scripts as they are where nothing is masked', () => {
    const s = 'العمل \u202Bجيد\u202C but hard \u2067ሰላም\u2069';
    expect(scrubText(s)).toBe(s);
  });

  it('uses the default region for national numbers (and NL always)', () => {
    expect(scrubText('ruf 030 1234567 an', { region: 'DE' })).toBe('ruf [phone] an');
    expect(scrubText('bel 06-12345678', { region: 'DE' })).toBe('bel [phone]');
  });

  it('scrubs every text of a translations object', () => {
    expect(JSON.parse(scrubTranslationsJson(JSON.stringify({ nl: 'bel 0612345678', en: 'call 0612345678' }))!)).toEqual({
      nl: 'bel [phone]',
      en: 'call [phone]',
    });
    expect(scrubTranslationsJson('not json')).toBeNull();
  });

  it('checks IBANs by mod 97 and BSNs by the 11-proef', () => {
    expect(validIban('GB82 WEST 1234 5698 7654 32')).toBe(true);
    expect(validIban('GB82 WEST 1234 5698 7654 33')).toBe(false);
    expect(scrubText('NL00 ABNA 0000 0000 00')).not.toContain('[iban]');
    expect(elevenProof('123456782')).toBe(true);
    expect(elevenProof('123456789')).toBe(false);
  });
});

/** Phone numbers in the ways people write them, in ASCII, Eastern-Arabic and Persian digits. */
const phone = fc
  .tuple(
    fc.constantFrom('+31 6 ', '06-', '06 ', '0031 6', '+249 9', '+44 7700 9', '+32 470 ', '+251 91 '),
    fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 8, maxLength: 8 }),
    fc.constantFrom('', ' ', '-'),
    fc.constantFrom('ascii', 'arabic', 'persian'),
  )
  .map(([prefix, digits, sep, script]) => {
    const s = prefix + digits.slice(0, 4).join('') + sep + digits.slice(4).join('');
    const base = script === 'arabic' ? 0x0660 : script === 'persian' ? 0x06f0 : 0x30;
    return s.replace(/\d/g, (d) => String.fromCharCode(base + Number(d)));
  });
const word = fc.constantFrom(
  'bel',
  'mij',
  'op',
  'الطبيب',
  'بعيد',
  'کار',
  'ሰላም',
  'Stationsstraat 12',
  'a@b.nl',
  '2019',
  '40',
  '😀',
  '\u202E',
  '\u200F',
  '.',
  ',',
);
const text = fc.array(fc.oneof(phone, word, fc.string({ maxLength: 6 })), { maxLength: 12 }).map((parts) => parts.join(' '));

describe('scrubText properties', () => {
  it('leaves no phone number libphonenumber finds (NL and international)', () => {
    fc.assert(
      fc.property(text, (t) => {
        const out = scrubText(t);
        expect(findPhoneNumbersInText(out, 'NL')).toEqual([]);
      }),
      { seed: 1616, numRuns: 300 },
    );
  });

  it('is idempotent', () => {
    fc.assert(
      fc.property(text, (t) => {
        const once = scrubText(t);
        expect(scrubText(once)).toBe(once);
      }),
      { seed: 1617, numRuns: 300 },
    );
  });
});
