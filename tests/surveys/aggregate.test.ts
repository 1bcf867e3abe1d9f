import { describe, expect, it } from 'vitest';
import { aggregateLight, percentages } from '../../surveys/aggregate.ts';

describe('aggregate colour rule', () => {
  const rule = { redShare: 0.3, greenShare: 0.6 };
  it.each([
    [{ red: 3, orange: 0, green: 7 }, 'red'],
    [{ red: 2, orange: 1, green: 7 }, 'green'],
    [{ red: 2, orange: 3, green: 5 }, 'orange'],
    [{ red: 0, orange: 0, green: 0 }, 'none'],
  ] as const)('%o is %s', (tally, expected) => {
    expect(aggregateLight(tally, rule)).toBe(expected);
  });

  it('follows configured thresholds', () => {
    expect(aggregateLight({ red: 2, orange: 3, green: 5 }, { redShare: 0.2, greenShare: 0.6 })).toBe('red');
    expect(aggregateLight({ red: 2, orange: 3, green: 5 }, { redShare: 0.3, greenShare: 0.5 })).toBe('green');
  });

  it('rounds shares to whole per cents that add up to 100', () => {
    expect(percentages({ red: 1, orange: 1, green: 1 })).toEqual({ red: 34, orange: 33, green: 33 });
    expect(percentages({ red: 0, orange: 0, green: 0 })).toEqual({ red: 0, orange: 0, green: 0 });
  });
});
