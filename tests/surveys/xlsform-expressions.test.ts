import { describe, expect, it } from 'vitest';
import { parseExpression, type Resolve } from '../../surveys/xlsform/expressions.ts';
import { parseLanguage } from '../../surveys/xlsform/columns.ts';

const known: Resolve = (n) =>
  ['age', 'work', 'care', 'Has-Kids'].includes(n)
    ? { id: n.toLowerCase().replace('-', '_') }
    : n === 'calc'
      ? { unsupported: 'calc is a calculate' }
      : { error: `\${${n}} is unknown` };
const p = (s: string, self = false) => parseExpression(s, known, self);

describe('XLSForm expressions → conditions', () => {
  it('maps comparisons, flipping a literal on the left', () => {
    expect(p("${work} = 'yes'")).toEqual({ ok: true, condition: { question: 'work', equals: 'yes' } });
    expect(p('${age} >= 18')).toEqual({ ok: true, condition: { question: 'age', gte: 18 } });
    expect(p('18 < ${age}')).toEqual({ ok: true, condition: { question: 'age', gt: 18 } });
    expect(p("${age} <= '65'")).toEqual({ ok: true, condition: { question: 'age', lte: 65 } });
    expect(p("${work} != ''")).toEqual({ ok: true, condition: { question: 'work', answered: true } });
    expect(p('${work} = ""')).toEqual({ ok: true, condition: { question: 'work', answered: false } });
    expect(p('${Has-Kids} != 2')).toEqual({ ok: true, condition: { question: 'has_kids', notEquals: 2 } });
  });

  it('maps and / or / not / selected() with precedence and parentheses', () => {
    expect(p("${age} > 17 and ${work} = 'yes' or selected(${care}, 'gp')")).toEqual({
      ok: true,
      condition: {
        any: [
          {
            all: [
              { question: 'age', gt: 17 },
              { question: 'work', equals: 'yes' },
            ],
          },
          { question: 'care', includes: 'gp' },
        ],
      },
    });
    expect(p("not(${work} = 'no' and (${age} < 18 or ${age} > 65))")).toEqual({
      ok: true,
      condition: {
        not: {
          all: [
            { question: 'work', equals: 'no' },
            {
              any: [
                { question: 'age', lt: 18 },
                { question: 'age', gt: 65 },
              ],
            },
          ],
        },
      },
    });
  });

  it('uses "." only in constraints', () => {
    expect(p('. >= 0 and . <= 120', true)).toEqual({
      ok: true,
      condition: {
        all: [
          { question: '.', gte: 0 },
          { question: '.', lte: 120 },
        ],
      },
    });
    expect(p('. > 3')).toMatchObject({ ok: false, kind: 'unsupported' });
  });

  it('tells syntax errors (stop the import) from unsupported features (listed)', () => {
    expect(p("${work} = 'yes")).toEqual({ ok: false, kind: 'syntax', message: "at character 11: the text starting here has no closing '" });
    expect(p('${age} > 3 ${work}')).toMatchObject({
      ok: false,
      kind: 'syntax',
      message: expect.stringMatching(/^at character 12: unexpected \$\{work\} after a complete expression/),
    });
    expect(p('${nope} = 1')).toEqual({ ok: false, kind: 'syntax', message: '${nope} is unknown' });
    expect(p('')).toMatchObject({ ok: false, kind: 'syntax' });
    expect(p('count-selected(${care}) > 1')).toMatchObject({ ok: false, kind: 'unsupported', message: expect.stringContaining('count-selected()') });
    expect(p('${age} + 1 > 3')).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(p('${calc} = 1')).toEqual({ ok: false, kind: 'unsupported', message: 'calc is a calculate' });
    expect(p("${work} > 'abc'")).toMatchObject({ ok: false, kind: 'unsupported' });
  });
});

describe('XLSForm language columns', () => {
  it('reads codes in brackets, known names and bare codes; asks for a code otherwise', () => {
    expect(parseLanguage('Tigrinya (ti)')).toEqual({ ok: true, code: 'ti' });
    expect(parseLanguage('Português (pt-br)')).toEqual({ ok: true, code: 'pt-BR' });
    expect(parseLanguage('english')).toEqual({ ok: true, code: 'en' });
    expect(parseLanguage('fa')).toEqual({ ok: true, code: 'fa' });
    expect(parseLanguage('Klingon')).toMatchObject({ ok: false, message: expect.stringContaining('"Klingon (xx)"') });
  });
});

describe('XLSForm fields', () => {
  it('turns button-sized ranges into scales and others into bounded numbers', async () => {
    const { rangeSpec } = await import('../../surveys/xlsform/fields.ts');
    expect(rangeSpec('start=0 end=10 step=1')).toEqual({ spec: { type: 'scale', min: 0, max: 10, minLabel: 'scale.low', maxLabel: 'scale.high' } });
    expect(rangeSpec('start=0 end=100 step=5')).toMatchObject({
      spec: { type: 'number', min: 0, max: 100, integer: true },
      note: expect.stringContaining('does not fit as buttons'),
    });
    expect(rangeSpec('start=a')).toEqual({ column: 'parameters', message: 'cannot read range parameters "start=a"; write them as start=0 end=10 step=1' });
  });

  it('reads bounds from constraints and refuses anything else', async () => {
    const { boundsOf } = await import('../../surveys/xlsform/fields.ts');
    expect(
      boundsOf(
        {
          all: [
            { question: '.', gt: 0 },
            { question: '.', lt: 120 },
          ],
        },
        true,
      ),
    ).toEqual({ min: 1, max: 119 });
    expect(boundsOf({ question: '.', gt: 0 }, false)).toBeNull();
    expect(boundsOf({ any: [{ question: '.', gte: 0 }] }, true)).toBeNull();
    expect(boundsOf({ question: 'age', gte: 0 }, true)).toBeNull();
  });

  it('maps indicator and outcome with suggestions', async () => {
    const { mapIndicator } = await import('../../surveys/xlsform/fields.ts');
    expect(mapIndicator('q', 'health', 'access_to_care')).toEqual({ indicator: 'health', outcome: 'access_to_care' });
    expect(mapIndicator('q', 'health', 'acess_to_care')).toEqual({
      column: 'outcome',
      message: '"acess_to_care" is not an outcome of health; did you mean "access_to_care"?',
    });
  });
});

describe('XLSForm expressions: signs, div and count-selected()', () => {
  it('reads a minus before a number as its sign, and after a value as arithmetic', () => {
    expect(p('. >= -5', true)).toEqual({ ok: true, condition: { question: '.', gte: -5 } });
    expect(p('${age}>-1.5')).toEqual({ ok: true, condition: { question: 'age', gt: -1.5 } });
    expect(p('-3 < ${age}')).toEqual({ ok: true, condition: { question: 'age', gt: -3 } });
    expect(p('(. != -2)', true)).toEqual({ ok: true, condition: { question: '.', notEquals: -2 } });
    expect(p('${age} -1 > 3')).toMatchObject({ ok: false, kind: 'unsupported', message: 'arithmetic (+ - * div mod) is not supported' });
  });

  it('lists div and mod as not supported instead of failing the import', () => {
    expect(p('. div 2 = 0', true)).toEqual({ ok: false, kind: 'unsupported', message: 'arithmetic (+ - * div mod) is not supported' });
    expect(p('${age} mod 2 = 1')).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(p('${age} > 10 div 2')).toMatchObject({ ok: false, kind: 'unsupported' });
  });

  it('reads count-selected(.) in constraints as a bound on the number of choices', () => {
    expect(p('count-selected(.) >= 2 and count-selected(.) <= 3', true)).toEqual({
      ok: true,
      condition: {
        all: [
          { question: 'count-selected(.)', gte: 2 },
          { question: 'count-selected(.)', lte: 3 },
        ],
      },
    });
    expect(p('3 > count-selected(.)', true)).toEqual({ ok: true, condition: { question: 'count-selected(.)', lt: 3 } });
    expect(p('count-selected(${care}) > 1', true)).toMatchObject({ ok: false, kind: 'unsupported', message: expect.stringContaining('another question') });
    expect(p("count-selected(.) = 'two'", true)).toMatchObject({ ok: false, kind: 'unsupported' });
    expect(p('count-selected(1) > 1', true)).toMatchObject({ ok: false, kind: 'syntax' });
  });

  it('turns count-selected(.) bounds into minSelected/maxSelected, refusing impossible ones', async () => {
    const { selectionBoundsOf } = await import('../../surveys/xlsform/fields.ts');
    const c = (k: string, v: number) => ({ question: 'count-selected(.)', [k]: v });
    expect(selectionBoundsOf({ all: [c('gt', 1), c('lt', 4)] }, 5)).toEqual({ minSelected: 2, maxSelected: 3 });
    expect(selectionBoundsOf(c('equals', 2), 5)).toEqual({ minSelected: 2, maxSelected: 2 });
    expect(selectionBoundsOf(c('gte', 1), 5)).toEqual({});
    expect(selectionBoundsOf(c('lte', 5), 5)).toEqual({});
    expect(selectionBoundsOf(c('lt', 1), 5)).toMatchObject({ severity: 'error' });
    expect(selectionBoundsOf(c('notEquals', 2), 5)).toMatchObject({ severity: 'unsupported' });
    expect(selectionBoundsOf({ question: '.', includes: 'x' }, 5)).toMatchObject({ severity: 'unsupported' });
  });
});
