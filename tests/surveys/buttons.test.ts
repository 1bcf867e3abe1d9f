import { describe, expect, it } from 'vitest';
import { decodeButton, encodeButton, fitsButton, type ButtonData } from '../../surveys/engine/buttons.ts';

describe('the button codec', () => {
  const all: ButtonData[] = [
    { kind: 'language', lng: 'pt-BR' },
    { kind: 'consent', answer: 'yes' },
    { kind: 'form', form: 'audio' },
    { kind: 'answer', question: 'work_fair', value: '7' },
    { kind: 'answer', question: 'health_ok', value: 'no' },
    { kind: 'toggle', question: 'leisure', choice: 'sport' },
    { kind: 'done', question: 'leisure' },
    { kind: 'skip', question: 'leisure' },
    { kind: 'recontact_theme', theme: 'work', answer: 'no' },
    { kind: 'recontact', answer: 'yes' },
    { kind: 'theme', theme: 'housing' },
    { kind: 'themes_done' },
    { kind: 'expertpool', answer: 'yes' },
    { kind: 'erase', answer: 'no' },
    { kind: 'rsvp', caseId: '01JC9Z8Q', rsvp: 'maybe' },
  ];

  it('decodes what it encodes, for every kind', () => {
    for (const b of all) expect(decodeButton(encodeButton(b))).toEqual(b);
  });

  it('reads keyboards sent before the codec existed (respondents tap old messages days later)', () => {
    // Strings exactly as the engine and the follow-up module wrote them by hand.
    const old: Array<[string, ButtonData]> = [
      ['lang:ar', { kind: 'language', lng: 'ar' }],
      ['consent:no', { kind: 'consent', answer: 'no' }],
      ['form:video', { kind: 'form', form: 'video' }],
      ['a:work_fair:-2', { kind: 'answer', question: 'work_fair', value: '-2' }],
      ['m:leisure:music', { kind: 'toggle', question: 'leisure', choice: 'music' }],
      ['md:leisure', { kind: 'done', question: 'leisure' }],
      ['skip:work_kind', { kind: 'skip', question: 'work_kind' }],
      ['rc:housing:yes', { kind: 'recontact_theme', theme: 'housing', answer: 'yes' }],
      ['rcall:no', { kind: 'recontact', answer: 'no' }],
      ['th:work', { kind: 'theme', theme: 'work' }],
      ['thd', { kind: 'themes_done' }],
      ['ep:no', { kind: 'expertpool', answer: 'no' }],
      ['erase:yes', { kind: 'erase', answer: 'yes' }],
      ['rsvp:case-1:accepted', { kind: 'rsvp', caseId: 'case-1', rsvp: 'accepted' }],
    ];
    for (const [data, b] of old) {
      expect(decodeButton(data)).toEqual(b);
      expect(encodeButton(b)).toBe(data);
    }
  });

  it('gives null for foreign or garbled data instead of throwing', () => {
    for (const data of [
      '',
      ':',
      'a',
      'a:q',
      'a::1',
      'a:q:1:2',
      'consent:maybe',
      'form:smell',
      'thd:x',
      'rsvp:c:perhaps',
      'lang:',
      'xyz:1',
      'md:q:1',
      '\u0000',
      'x'.repeat(300),
    ]) {
      expect(decodeButton(data)).toBeNull();
    }
  });

  it('measures the Telegram limit in bytes, not characters', () => {
    expect(fitsButton(`a:q:${'x'.repeat(60)}`)).toBe(true);
    expect(fitsButton(`a:q:${'x'.repeat(61)}`)).toBe(false);
    expect(fitsButton(`a:q:${'é'.repeat(31)}`)).toBe(false);
  });
});
