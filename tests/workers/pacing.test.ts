/**
 * One sending budget per channel across processes: two limiter instances, each on its own
 * Redis connection, share one budget in the real Redis. Assertions are on the slots the
 * limiter reserves (on Redis's clock, or a fixed one), never on wall-clock timing.
 */
import { randomBytes } from 'node:crypto';
import { createServer, connect, type Server, type Socket } from 'node:net';
import pino, { type Logger } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { SendPriority } from '../../storage/send-priority.ts';
import { Pseudonymizer } from '../../storage/pseudonym.ts';
import { RedisPacer, type SendPacer, type SharedPaceOptions } from '../../workers/pacing.ts';
import { freePort } from '../helpers/net.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

const pseudonyms = new Pseudonymizer(randomBytes(32));
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A fallback that records being used and resolves at once. */
class CountingPacer implements SendPacer {
  readonly calls: Array<{ chat: string; priority: SendPriority | undefined }> = [];
  async wait(chat: string, priority?: SendPriority): Promise<void> {
    this.calls.push({ chat, priority });
  }
}

function pacers(n: number, opts: Partial<SharedPaceOptions> = {}) {
  const prefix = uniquePrefix();
  cleanups.push(() => dropPrefix(prefix));
  const fallback = new CountingPacer();
  const made = Array.from({ length: n }, () => {
    const p = new RedisPacer({
      url: REDIS_URL,
      prefix,
      channel: 'telegram',
      perChatGapMs: 0,
      perMinute: 60,
      campaignShare: 0.5,
      chatKey: (chat) => pseudonyms.paceKey('telegram', chat),
      fallback,
      log: pino({ level: 'silent' }),
      ...opts,
    });
    cleanups.push(() => p.close());
    return p;
  });
  return { prefix, fallback, pacers: made };
}

describe('the shared sending budget (Redis)', () => {
  it('spaces reservations from two instances by the global gap, as one budget', async () => {
    const {
      pacers: [a, b],
      fallback,
    } = pacers(2, { perMinute: 60 }); // gap 1000 ms
    // Interleaved and concurrent: 12 sends to 12 chats, half from each process.
    const slots = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? b! : a!).reserve(`chat-${i}`)));
    const at = slots.map((s) => (s.granted ? s.at : Number.NaN)).sort((x, y) => x - y);
    expect(at.every(Number.isFinite)).toBe(true);
    expect(at.slice(1).map((t, i) => t - at[i]!)).toEqual(Array(11).fill(1000));
    // The first slot is now (on Redis's clock), the budget was empty.
    expect(slots.find((s) => s.granted && s.at === at[0])).toMatchObject({ at: at[0], now: at[0] });
    expect(fallback.calls).toEqual([]);
  });

  it('keeps the per-chat gap across instances, and other chats take the global gap', async () => {
    const {
      pacers: [a, b],
    } = pacers(2, { perChatGapMs: 1500, perMinute: 600, now: () => 1_000_000 }); // gap 100 ms
    const x1 = await a!.reserve('x');
    const x2 = await b!.reserve('x');
    const y = await b!.reserve('y');
    const x3 = await a!.reserve('x');
    expect([x1, x2, y, x3].map((r) => (r.granted ? r.at : null))).toEqual([1_000_000, 1_001_500, 1_001_600, 1_003_000]);
  });

  it('gives campaign sends only free slots, at their share: conversations never queue behind them', async () => {
    let now = 5_000_000;
    const {
      pacers: [a, b],
    } = pacers(2, { perMinute: 60, campaignShare: 0.5, now: () => now }); // gap 1000, campaign gap 2000
    expect(await a!.reserve('r1', 'conversation')).toMatchObject({ granted: true, at: now });
    // The slot is taken: the campaign send is told when to ask again, and reserves nothing.
    expect(await b!.reserve('c1', 'campaign')).toEqual({ granted: false, retryAt: now + 1000, now });
    // So the next reply takes the next slot, as if no campaign were running.
    expect(await b!.reserve('r2', 'conversation')).toMatchObject({ granted: true, at: now + 1000 });
    now += 2000; // the budget has room again
    expect(await a!.reserve('c1', 'campaign')).toMatchObject({ granted: true, at: now });
    now += 1000;
    // A global gap later a reply may go, but the next campaign send must wait for its share.
    expect(await b!.reserve('c2', 'campaign')).toEqual({ granted: false, retryAt: now + 1000, now });
    expect(await b!.reserve('r3', 'conversation')).toMatchObject({ granted: true, at: now });
    now += 1000;
    expect(await a!.reserve('c2', 'campaign')).toMatchObject({ granted: true, at: now });
  });

  it('names a chat in its keys only by a keyed hash, and its keys expire', async () => {
    const {
      prefix,
      pacers: [a],
    } = pacers(1, { perChatGapMs: 1500 });
    await a!.reserve('31612345678@s.whatsapp.net', 'campaign');
    const { Redis } = await import('ioredis');
    const redis = new Redis(REDIS_URL);
    cleanups.push(() => void redis.disconnect());
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.length).toBe(3);
    expect(keys.join(' ')).not.toMatch(/31612345678/);
    expect(keys.some((k) => k.endsWith(pseudonyms.paceKey('telegram', '31612345678@s.whatsapp.net')))).toBe(true);
    for (const k of keys) expect(await redis.pttl(k)).toBeGreaterThan(0);
  });
});

/** A TCP proxy in front of the real Redis that can be taken down and brought back on its port. */
async function redisProxy(): Promise<{ url: string; down(): Promise<void>; up(): Promise<void> }> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  const up = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(6379, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
      }).listen(port, '127.0.0.1', () => resolve());
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      server?.close(() => resolve());
    });
  await up();
  return { url: `redis://127.0.0.1:${port}`, down, up };
}

describe('when Redis does not answer', () => {
  it('keeps sending under the local pacer (logged once), and goes back to the shared budget when Redis is back', async () => {
    const proxy = await redisProxy();
    cleanups.push(() => proxy.down());
    const warnings: string[] = [];
    const infos: string[] = [];
    const log = { warn: (_: unknown, msg: string) => warnings.push(msg), info: (_: unknown, msg: string) => infos.push(msg) } as unknown as Logger;
    const {
      pacers: [p],
      fallback,
    } = pacers(1, { url: proxy.url, log, retryAfterMs: 0, perMinute: 6000 });
    await p!.wait('a');
    expect(fallback.calls).toEqual([]);

    await proxy.down();
    await p!.wait('b', 'campaign');
    await p!.wait('c');
    expect(fallback.calls).toEqual([
      { chat: 'b', priority: 'campaign' },
      { chat: 'c', priority: 'conversation' },
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/pacing sends in this process only/);

    await proxy.up();
    // ioredis reconnects on its own schedule; sends meanwhile still go through the fallback.
    for (let i = 0; i < 200 && infos.length === 0; i++) {
      await p!.wait(`d${i}`);
      if (infos.length === 0) await new Promise((r) => setTimeout(r, 25));
    }
    expect(infos).toEqual(['redis answers again: sends are paced under the shared budget']);
    const fellBack = fallback.calls.length;
    await p!.wait('e');
    expect(fallback.calls.length).toBe(fellBack);
    expect(warnings).toHaveLength(1);
  });
});
