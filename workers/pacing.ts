/**
 * One sending budget per channel across processes: every bot process (several webhook
 * processes, `stemmen start` plus a second instance) reserves its send slots in Redis, so
 * together they stay under Telegram's ~30 messages a second and WhatsApp's safe pace instead
 * of each taking the full budget.
 *
 * A reservation is one Lua script, atomic in Redis: the earliest slot >= now that respects the
 * global gap and the per-chat gap, with campaign sends taking a slot only when one is free now
 * and at most at their share of the rate (the rule is explained in bot/channels/pacer.ts, the
 * in-process version). Time is Redis's clock, so processes on machines whose clocks differ a
 * little still space their sends correctly. Chats appear in keys only as a keyed hash; keys expire
 * once their slot is past.
 *
 * If Redis does not answer, sending goes on under the local fallback pacer (logged once),
 * until the connection is back.
 * @module
 */
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { SendPriority } from '../storage/send-priority.ts';
import { redisOptions } from './redis.ts';

/** KEYS: all sends, campaign sends, this chat (each holds its latest slot, ms). ARGV: now (0 = Redis clock), gap, chat gap, campaign gap, 1 if campaign. */
const RESERVE = `
-- Redis < 5 replicates scripts verbatim and refuses writes after TIME; effects replication fixes that.
if redis.replicate_commands then redis.replicate_commands() end
local now = tonumber(ARGV[1])
if now == 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local gap, chatGap, campaignGap = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local campaign = ARGV[5] == '1'
local at = now
local last = redis.call('GET', KEYS[1])
if last then at = math.max(at, tonumber(last) + gap) end
last = redis.call('GET', KEYS[3])
if last then at = math.max(at, tonumber(last) + chatGap) end
if campaign then
  last = redis.call('GET', KEYS[2])
  if last then at = math.max(at, tonumber(last) + campaignGap) end
  if at > now then return {0, at, now} end
end
local ttl = at - now + math.max(gap, chatGap, campaignGap) + 1000
redis.call('SET', KEYS[1], at, 'PX', ttl)
redis.call('SET', KEYS[3], at, 'PX', ttl)
if campaign then redis.call('SET', KEYS[2], at, 'PX', ttl) end
return {1, at, now}
`;

/** How long after a failure the shared budget is tried again. */
const RETRY_REDIS_MS = 5000;

type ReserveCommand = (
  k1: string,
  k2: string,
  k3: string,
  now: number,
  gap: number,
  chatGap: number,
  campaignGap: number,
  campaign: number,
) => Promise<[number, number, number]>;

/** What the channels call; structurally the same as bot/channels/pacer.ts's SendPacer. */
export interface SendPacer {
  wait(chat: string, priority?: SendPriority): Promise<void>;
}

export interface SharedPaceOptions {
  url: string;
  /** Key prefix (QUEUE_PREFIX): processes of one installation share the budget. */
  prefix: string;
  /** The channel whose budget this is (`telegram`, `whatsapp`). */
  channel: string;
  perChatGapMs: number;
  perMinute: number;
  /** Largest share (0–1] of the budget campaign sends may take. */
  campaignShare: number;
  /** The chat's name in the Redis keys: a keyed hash (the pseudonym secret), never the address. */
  chatKey: (chat: string) => string;
  /** Used while Redis is unreachable. */
  fallback: SendPacer;
  log: Logger;
  /** How long after a failure Redis is asked again (default 5 s). */
  retryAfterMs?: number;
  /** Test seam: a fixed clock in ms instead of Redis's. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** A reserved slot (ms, on the budget's clock) and that clock's time when it was reserved. */
export type SharedReservation = { granted: true; at: number; now: number } | { granted: false; retryAt: number; now: number };

export class RedisPacer implements SendPacer {
  private readonly redis: Redis;
  private readonly keys: { all: string; campaign: string; chat: (chat: string) => string };
  private readonly gaps: { gap: number; chatGap: number; campaignGap: number };
  private readonly sleep: (ms: number) => Promise<void>;
  /** When a reservation last failed (0: none since the last success); sends use the fallback meanwhile. */
  private degradedAt = 0;

  constructor(private readonly opts: SharedPaceOptions) {
    // An offline queue while connecting (the first sends at startup wait for it); a bounded
    // wait on each command, so a Redis that hangs costs a second, not the sending.
    this.redis = new Redis({ ...redisOptions(opts.url, 'producer'), enableOfflineQueue: true, maxRetriesPerRequest: 1, commandTimeout: 1000 });
    this.redis.defineCommand('stemmenPaceReserve', { numberOfKeys: 3, lua: RESERVE });
    this.redis.on('error', () => {}); // reported once through degrade(), not per reconnect attempt
    // The hash tag keeps a channel's keys in one slot on a Redis Cluster (one script, several keys).
    const base = `${opts.prefix}:{pace-${opts.channel}}`;
    this.keys = {
      all: `${base}:all`,
      campaign: `${base}:campaign`,
      chat: (chat) => `${base}:chat:${opts.chatKey(chat)}`,
    };
    const gap = Math.ceil(60_000 / opts.perMinute);
    this.gaps = { gap, chatGap: Math.ceil(opts.perChatGapMs), campaignGap: Math.ceil(gap / opts.campaignShare) };
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** One atomic reservation in Redis (throws when Redis does not answer). */
  async reserve(chat: string, priority: SendPriority = 'conversation'): Promise<SharedReservation> {
    const run = (this.redis as unknown as { stemmenPaceReserve: ReserveCommand }).stemmenPaceReserve;
    const { gap, chatGap, campaignGap } = this.gaps;
    const [granted, at, now] = await run.call(
      this.redis,
      this.keys.all,
      this.keys.campaign,
      this.keys.chat(chat),
      this.opts.now?.() ?? 0,
      gap,
      chatGap,
      campaignGap,
      priority === 'campaign' ? 1 : 0,
    );
    return granted === 1 ? { granted: true, at, now } : { granted: false, retryAt: at, now };
  }

  async wait(chat: string, priority: SendPriority = 'conversation'): Promise<void> {
    for (;;) {
      // While degraded, Redis is asked again only once it is connected and a few seconds passed,
      // so a Redis that hangs does not cost every send a command timeout.
      if (this.degradedAt > 0 && (this.redis.status !== 'ready' || Date.now() - this.degradedAt < (this.opts.retryAfterMs ?? RETRY_REDIS_MS)))
        return this.opts.fallback.wait(chat, priority);
      let r: SharedReservation;
      try {
        r = await this.reserve(chat, priority);
      } catch (e) {
        this.degrade(e as Error);
        return this.opts.fallback.wait(chat, priority);
      }
      if (this.degradedAt > 0) {
        this.degradedAt = 0;
        this.opts.log.info({ channel: this.opts.channel }, 'redis answers again: sends are paced under the shared budget');
      }
      if (r.granted) return r.at > r.now ? this.sleep(r.at - r.now) : undefined;
      await this.sleep(Math.max(1, r.retryAt - r.now));
    }
  }

  private degrade(e: Error): void {
    const first = this.degradedAt === 0;
    this.degradedAt = Date.now();
    if (!first) return;
    this.opts.log.warn(
      { channel: this.opts.channel, err: e.message },
      'redis does not answer: pacing sends in this process only until it is back (several processes may then exceed the budget together)',
    );
  }

  async close(): Promise<void> {
    // A quit waits for an answer; a Redis that is down would hold the shutdown.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}
