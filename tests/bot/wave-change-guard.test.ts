/**
 * The same people in a wave are a subset of all people in it: the two cells side by side must
 * not let anyone subtract a group smaller than the minimum.
 */
import { describe, expect, it } from 'vitest';
import { pair, sameSide } from '../../bot/web/reporting/wave-change.ts';

const rule = { redShare: 0.3, greenShare: 0.6, minRespondents: 10 };
const tally = (n: number, red: number, green: number) => ({ n, red, green });

describe('the change between waves: complement guard', () => {
  it('shows the same people when the others in each wave are none or at least the minimum', () => {
    const c = { same: { from: tally(20, 10, 10), to: tally(20, 5, 15) }, all: { from: tally(20, 10, 10), to: tally(35, 10, 25) } };
    expect(sameSide(c, rule)).toEqual({ from: { n: 20, red: 50, green: 50 }, to: { n: 20, red: 25, green: 75 }, change: { red: -25, green: 25 } });
  });

  it('hides the same-people cell of a wave whose other people are fewer than the minimum', () => {
    // 20 of 24 answered both waves: the 4 others of wave 2 could be worked out from 24 − 20.
    const c = { same: { from: tally(20, 10, 10), to: tally(20, 5, 15) }, all: { from: tally(20, 10, 10), to: tally(24, 9, 15) } };
    const side = sameSide(c, rule);
    expect(side.from).toEqual({ n: 20, red: 50, green: 50 });
    expect(side.to).toEqual({ n: null, red: null, green: null });
    expect(side.change).toBeNull();
    // The all-people cells stay, each judged on its own.
    expect(pair(c.all.from, c.all.to, rule).to).toEqual({ n: 24, red: 38, green: 63 });
  });
});
