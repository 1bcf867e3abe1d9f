import { describe, expect, it } from 'vitest';
import { cleanText, parseDate, parseNumber, parseNumberList } from '../../surveys/engine/text.ts';
import { trafficLight } from '../../surveys/engine/traffic.ts';
import { evaluate } from '../../surveys/engine/conditions.ts';
import { compile } from '../helpers/transcript.ts';

describe('reading typed answers', () => {
  it.each([
    ['7', 7],
    ['٧', 7],
    ['۷', 7],
    [' 10 ', 10],
    ['\u200f5\u200e', 5],
    ['٣٫٥', 3.5],
    ['2,5', 2.5],
    ['-1', -1],
    ['seven', null],
    ['🙂', null],
    ['5 6', null],
    ['', null],
  ])('parseNumber(%j) = %j', (input, want) => expect(parseNumber(input)).toBe(want));

  it.each([
    ['2022', '2022'],
    ['03/2022', '2022-03'],
    ['2022-3', '2022-03'],
    ['15-03-2022', '2022-03-15'],
    ['15.3.2022', '2022-03-15'],
    ['٢٠٢٢', '2022'],
    ['2022/03/15', '2022-03-15'],
    ['29-02-2024', '2024-02-29'],
    ['29-02-2023', null],
    ['1850', null],
    ['yesterday', null],
  ])('parseDate(%j) = %j', (input, want) => expect(parseDate(input)).toBe(want));

  it('reads lists of choices in any digits and separators', () => {
    expect(parseNumberList('1, 3')).toEqual([1, 3]);
    expect(parseNumberList('۱،۳')).toEqual([1, 3]);
    expect(parseNumberList('1 and 3')).toBeNull();
  });

  it('strips bidi controls and zero-width characters', () => {
    expect(cleanText('\u202bمرحبا\u202c\u200b  ')).toBe('مرحبا');
  });
});

describe('traffic lights', () => {
  const survey = compile({
    specVersion: 2,
    id: 't',
    version: 1,
    languages: ['en'],
    defaultLanguage: 'en',
    consent: { version: 1 },
    questions: [
      { id: 'a', type: 'scale', indicator: 'work', outcome: 'enough_income', traffic: 'default' },
      { id: 'b', type: 'scale', indicator: 'work', outcome: 'enough_income', min: 1, max: 5, traffic: 'default' },
      { id: 'c', type: 'multi', indicator: 'leisure', outcome: 'takes_part_in_activities', choices: ['x', 'y', 'z'], traffic: { red: ['z'], green: ['x'] } },
    ],
  });
  it('default 0–10 rule: red ≤ 4, orange 5–6, green ≥ 7', () => {
    const rule = survey.byId.get('a')!.traffic;
    expect([0, 4, 5, 6, 7, 10].map((v) => trafficLight(rule, v))).toEqual(['red', 'red', 'orange', 'orange', 'green', 'green']);
  });
  it('scales the default rule to other bounds (1–5: red 1–2, orange 3, green 4–5)', () => {
    const rule = survey.byId.get('b')!.traffic;
    expect([1, 2, 3, 4, 5].map((v) => trafficLight(rule, v))).toEqual(['red', 'red', 'orange', 'green', 'green']);
  });
  it('takes the worst colour among several choices', () => {
    const rule = survey.byId.get('c')!.traffic;
    expect(trafficLight(rule, ['x', 'z'])).toBe('red');
    expect(trafficLight(rule, ['x', 'y'])).toBe('green');
    expect(trafficLight(rule, ['y'])).toBeNull();
  });
});

describe('conditions', () => {
  const values = { n: 4, c: 'yes', m: ['a', 'b'], s: null };
  it.each([
    [{ question: 'n', lte: 4 }, true],
    [{ question: 'n', gt: 4 }, false],
    [{ question: 'c', equals: 'yes' }, true],
    [{ question: 'c', in: ['no', 'maybe'] }, false],
    [{ question: 'm', includes: 'b' }, true],
    [{ question: 's', answered: false }, true],
    [{ question: 's', equals: 'x' }, false],
    [{ question: 'missing', answered: true }, false],
    [{ all: [{ question: 'n', gte: 1 }, { not: { question: 'c', equals: 'no' } }] }, true],
    [
      {
        any: [
          { question: 'n', gt: 9 },
          { question: 'm', includes: 'z' },
        ],
      },
      false,
    ],
  ] as const)('%j → %s', (c, want) => expect(evaluate(c as never, values)).toBe(want));
});
