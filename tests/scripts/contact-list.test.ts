import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mobileNumber, phoneNumber, phoneRegion } from '../../bot/phone.ts';
import { readContactList } from '../../bot/contact-list.ts';

const LANGS = ['nl', 'ar', 'ti'];

function problems(text: string | Buffer, shown = 'l.csv', region: 'NL' | 'BE' = 'NL'): string[] {
  try {
    readContactList(text, shown, LANGS, 'nl', region);
  } catch (e) {
    return (e as Error).message.split('\n');
  }
  return [];
}

describe('invitation contact lists', () => {
  it('takes rows with recorded consent, refuses the others, and skips a repeated number however it is written', () => {
    const csv = 'name,phone,consent,language\nA,+31 6 1234 5678,yes,ar\nB,0031612345679,no,\nC,06-12345678,ja,ti\nD,(+31) 6-12345680,x,\nE,31612345681,,nl\n';
    const list = readContactList(csv, 'list.csv', LANGS, 'nl');
    expect(list.invitees).toEqual([
      { line: 'list.csv:2', digits: '31612345678', language: 'ar' },
      { line: 'list.csv:5', digits: '31612345680', language: 'nl' },
    ]);
    expect(list.refused).toEqual([
      { line: 'list.csv:3', why: 'no recorded consent to be contacted', reason: 'no_consent' },
      { line: 'list.csv:4', why: 'the same number as list.csv:2', reason: 'duplicate' },
      { line: 'list.csv:6', why: 'no recorded consent to be contacted', reason: 'no_consent' },
    ]);
  });

  it('reads a ;-separated UTF-8 file with a byte-order mark, CRLF and Dutch headers, as Excel NL saves it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-contacts-'));
    const file = join(dir, 'uitnodigen.csv');
    // Excel quotes only cells with ; or ", so the comma in a name and the quoted ; stay in their cell.
    const lines = [
      'Naam;Telefoonnummer;Toestemming (ja/nee);Taal',
      'Jansen, P.;06-12345678;ja;ar',
      '"Amal; zus van Sara";+32 470 12 34 56;JA;',
      'Gemeente;020 123 4567;ja;nl',
      ';;;',
      'Tesfay;0612345699;nee;ti',
    ];
    writeFileSync(file, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]));
    const list = readContactList(readFileSync(file), 'uitnodigen.csv', LANGS, 'nl');
    expect(list.invitees).toEqual([
      { line: 'uitnodigen.csv:2', digits: '31612345678', language: 'ar' },
      { line: 'uitnodigen.csv:3', digits: '32470123456', language: 'nl' },
    ]);
    expect(list.refused).toEqual([
      { line: 'uitnodigen.csv:4', why: 'not a mobile number (a landline in NL); invitations need a mobile number', reason: 'not_mobile' },
      { line: 'uitnodigen.csv:6', why: 'no recorded consent to be contacted', reason: 'no_consent' },
    ]);
    // The same list for Belgium: 0470… is a Belgian mobile without the country code.
    const be = readContactList('telefoon;toestemming\n0470 12 34 56;ja\n', 'be.csv', LANGS, 'nl', 'BE');
    expect(be.invitees).toEqual([{ line: 'be.csv:2', digits: '32470123456', language: 'nl' }]);
  });

  it('reads tab-separated lists, Excel\'s "sep=;" hint line, and keeps line numbers right across a quoted cell spanning lines', () => {
    const list = readContactList('phone\tnote\tconsent\n+31612345678\t"two\r\nlines"\tyes\n\n0612345679\tx\tyes\n', 't.csv', LANGS, 'nl');
    expect(list.invitees.map((i) => i.line)).toEqual(['t.csv:2', 't.csv:5']);
    const hinted = readContactList('sep=;\r\ntelefoon;toestemming\r\n06-12345678;ja\r\n', 's.csv', LANGS, 'nl');
    expect(hinted.invitees).toEqual([{ line: 's.csv:3', digits: '31612345678', language: 'nl' }]);
  });

  it('stops on a missing consent column, bad numbers, unclear consent, unknown languages and broken lines, naming each line', () => {
    expect(problems('phone\n31612345678\n')[0]).toMatch(
      /^l\.csv: no consent column \(the header has phone\); the list must record, per person, that they agreed to be contacted/,
    );
    expect(problems('name\nA\n')[0]).toMatch(/^l\.csv: no phone column/);
    expect(problems('')[0]).toMatch(/^l\.csv: the file is empty; it needs a header line/);
    expect(problems('phone,consent,language\n06-123,yes,nl\n31612345678,maybe,nl\n31612345679,yes,fr\nbellen,yes,nl\n')).toEqual([
      'l.csv:2: not a valid phone number in NL (check for a missing or extra digit); write it with the country code, e.g. +31612345678',
      'l.csv:3: consent "maybe" is not yes or no',
      'l.csv:4: language "fr" is not one of the survey\'s languages (nl, ar, ti)',
      'l.csv:5: not a phone number; write it with the country code (+31612345678) or as a number of NL (without a country code)',
      'l.csv: 4 problem(s); nobody was invited',
    ]);
    expect(problems('telefoon;toestemming\r\n0612345678;ja\r\n"0612345679;ja\r\n')).toEqual(['l.csv:3: a quoted cell is never closed; add the closing "']);
    expect(problems('telefoon;toestemming\n0612345678;ja;extra;cells\n')).toEqual([
      'l.csv:2: 4 cells but the header has 2; put cells that contain ";" in quotes, or add the missing column names to the header',
    ]);
    expect(problems('telefoon;toestemming\n06 "1234" 5678;ja\n')[0]).toMatch(/^l\.csv:2: a " inside a cell/);
    // Excel's old "CSV (gescheiden door lijstscheidingsteken)" is Windows-1252, not UTF-8.
    expect(problems(Buffer.from('naam;telefoon;toestemming\nJos\xe9;0612345678;ja\n', 'latin1'))).toEqual([
      'l.csv:2: the file is not UTF-8 text; in Excel choose "Save as" → "CSV UTF-8", in LibreOffice the character set "Unicode (UTF-8)"',
    ]);
  });
});

describe('phone numbers (bot/phone.ts)', () => {
  it('normalises to E.164 with the default region and keeps other countries as written', () => {
    expect(mobileNumber('06-12345678', 'NL')).toEqual({ ok: true, e164: '+31612345678', country: 'NL' });
    expect(mobileNumber('+32 470 12 34 56', 'NL')).toEqual({ ok: true, e164: '+32470123456', country: 'BE' });
    expect(mobileNumber('0032 470 12 34 56', 'NL')).toMatchObject({ ok: true, e164: '+32470123456' });
    expect(mobileNumber('4915112345678', 'NL')).toMatchObject({ ok: true, e164: '+4915112345678' });
    expect(mobileNumber('+1 202 555 0143', 'NL')).toMatchObject({ ok: true, e164: '+12025550143' });
  });

  it('refuses landlines and other non-mobile numbers as not mobile, and garbage as not a number', () => {
    expect(mobileNumber('020 123 4567', 'NL')).toEqual({ ok: false, reason: 'not a mobile number (a landline in NL); invitations need a mobile number' });
    expect(mobileNumber('0800 1234', 'NL')).toMatchObject({ ok: false, reason: expect.stringContaining('toll-free') });
    expect(phoneNumber('020 123 4567', 'NL')).toMatchObject({ ok: true, e164: '+31201234567' });
    expect(mobileNumber('garbage', 'NL')).toMatchObject({ ok: false, reason: expect.stringMatching(/^not a phone number/) });
    expect(mobileNumber('', 'NL')).toEqual({ ok: false, reason: 'no phone number' });
    expect(phoneRegion('be')).toBe('BE');
    expect(phoneRegion('XX')).toBeNull();
  });
});
