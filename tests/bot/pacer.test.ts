/**
 * The in-process pacer (the fallback of the shared budget): campaign sends take only free
 * slots, at their share of the rate, so conversation sends never queue behind them.
 */
import { describe, expect, it } from 'vitest';
import { Pacer } from '../../bot/channels/pacer.ts';

/** A pacer on a virtual clock: `settle()` wakes sleepers in time order until none is left. */
function clocked(opts: { perChatGapMs: number; perMinute: number; campaignShare?: number }) {
  let now = 0;
  const sleepers: Array<{ wake: number; resolve: () => void }> = [];
  const pacer = new Pacer({
    ...opts,
    now: () => now,
    sleep: (ms) => new Promise<void>((resolve) => sleepers.push({ wake: now + ms, resolve })),
  });
  const settle = async () => {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (sleepers.length === 0) return;
      sleepers.sort((a, b) => a.wake - b.wake);
      const next = sleepers.shift()!;
      now = next.wake;
      next.resolve();
    }
  };
  return { pacer, at: () => now, set: (t: number) => (now = t), settle };
}

describe('the local pacer', () => {
  it('lets a campaign send take a slot only when one is free now, and at most at its share', () => {
    const { pacer, set } = clocked({ perChatGapMs: 0, perMinute: 60, campaignShare: 0.5 }); // gap 1000, campaign gap 2000
    expect(pacer.reserve('r1')).toEqual({ granted: true, at: 0 });
    expect(pacer.reserve('c1', 'campaign')).toEqual({ granted: false, retryAt: 1000 });
    // The refused campaign send reserved nothing: the next reply is not pushed back.
    expect(pacer.reserve('r2')).toEqual({ granted: true, at: 1000 });
    set(2000);
    expect(pacer.reserve('c1', 'campaign')).toEqual({ granted: true, at: 2000 });
    set(3000);
    expect(pacer.reserve('c2', 'campaign')).toEqual({ granted: false, retryAt: 4000 });
    expect(pacer.reserve('r3')).toEqual({ granted: true, at: 3000 });
  });

  it('serves a burst of replies before the campaign send that was waiting', async () => {
    const { pacer, at, settle } = clocked({ perChatGapMs: 0, perMinute: 60 });
    const order: string[] = [];
    const send = (name: string, priority?: 'campaign') => pacer.wait(name, priority).then(() => order.push(`${name}@${at()}`));
    // Three replies queued at t=0 and a campaign send asking at the same moment.
    const all = Promise.all([send('r1'), send('r2'), send('c', 'campaign'), send('r3')]);
    await settle();
    await all;
    expect(order).toEqual(['r1@0', 'r2@1000', 'r3@2000', 'c@3000']);
  });
});
