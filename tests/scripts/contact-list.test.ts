import { describe, expect, it } from 'vitest';
import { readContactList } from '../../scripts/commands/contact-list.ts';

const LANGS = ['nl', 'ar', 'ti'];

describe('invitation contact lists', () => {
  it('takes rows with recorded consent, refuses the others, and skips a repeated number', () => {
    const csv = 'name,phone,consent,language\nA,+31 6 1234 5678,yes,ar\nB,0031612345679,no,\nC,31612345678,ja,ti\nD,(+31) 6-12345680,x,\nE,31612345681,,nl\n';
    const list = readContactList(csv, 'list.csv', LANGS, 'nl');
    expect(list.invitees).toEqual([
      { line: 'list.csv:2', digits: '31612345678', language: 'ar' },
      { line: 'list.csv:5', digits: '31612345680', language: 'nl' },
    ]);
    expect(list.refused).toEqual([
      { line: 'list.csv:3', why: 'no recorded consent to be contacted' },
      { line: 'list.csv:4', why: 'the same number as list.csv:2' },
      { line: 'list.csv:6', why: 'no recorded consent to be contacted' },
    ]);
  });

  it('stops on a missing consent column, bad numbers, unclear consent and unknown languages, naming each line', () => {
    expect(() => readContactList('phone\n31612345678\n', 'l.csv', LANGS, 'nl')).toThrow(
      /^l\.csv: no consent column \(the header has phone\); the list must record, per person, that they agreed to be contacted/,
    );
    expect(() => readContactList('name\nA\n', 'l.csv', LANGS, 'nl')).toThrow(/^l\.csv: no phone column/);
    let message = '';
    try {
      readContactList('phone,consent,language\n06-123,yes,nl\n31612345678,maybe,nl\n31612345679,yes,fr\n', 'l.csv', LANGS, 'nl');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'l.csv:2: "06-123" is not a phone number; write it with the country code, e.g. +31612345678',
      'l.csv:3: consent "maybe" is not yes or no',
      'l.csv:4: language "fr" is not one of the survey\'s languages (nl, ar, ti)',
      'l.csv: 3 problem(s); nobody was invited',
    ]);
  });
});
