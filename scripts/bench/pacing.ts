/**
 * The shared sending budget's cost: reservations per second from two limiter instances (two
 * Redis connections, as two bot processes would have) reserving against one budget for a few
 * seconds, and a check that the slots they were given never come closer than the global gap.
 * @module
 */
import pino from 'pino';
import { RedisPacer } from '../../workers/pacing.ts';

export async function benchPacing(
  seconds = 3,
  url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
): Promise<{ instances: number; reservations: number; perSecond: number; minSpacingMs: number; gapMs: number }> {
  const prefix = `benchpace${process.pid}${Date.now().toString(36)}`;
  const gapMs = 1; // 60,000 a minute: the script's cost, not the pace, is measured
  const pacers = [0, 1].map(
    () =>
      new RedisPacer({
        url,
        prefix,
        channel: 'telegram',
        perChatGapMs: 0,
        perMinute: 60_000 / gapMs,
        campaignShare: 0.5,
        chatKey: (chat) => chat,
        fallback: { wait: async () => {} },
        log: pino({ level: 'silent' }),
      }),
  );
  const slots: number[] = [];
  const until = Date.now() + seconds * 1000;
  let n = 0;
  // Eight reservations in flight per instance, as concurrent sends of one process would be.
  const loop = async (p: RedisPacer) => {
    while (Date.now() < until) {
      const r = await p.reserve(`chat-${n++ % 1000}`);
      if (r.granted) slots.push(r.at);
    }
  };
  const t0 = Date.now();
  try {
    await Promise.all(pacers.flatMap((p) => Array.from({ length: 8 }, () => loop(p))));
  } finally {
    await Promise.all(pacers.map((p) => p.close()));
  }
  const elapsed = (Date.now() - t0) / 1000;
  slots.sort((a, b) => a - b);
  let minSpacingMs = Number.POSITIVE_INFINITY;
  for (let i = 1; i < slots.length; i++) minSpacingMs = Math.min(minSpacingMs, slots[i]! - slots[i - 1]!);
  return { instances: pacers.length, reservations: slots.length, perSecond: Math.round(slots.length / elapsed), minSpacingMs, gapMs };
}
