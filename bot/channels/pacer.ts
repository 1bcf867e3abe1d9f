/**
 * Sending pace for a channel: a minimum gap per chat and a ceiling per rolling minute
 * overall. WhatsApp bans unofficial clients that send at bulk rates; Telegram answers 429
 * above about 30 messages a second. A survey conversation never needs more.
 *
 * The rule (the same in the shared Redis budget, workers/pacing.ts):
 * - Sends are spaced by the global gap (60 s / perMinute) and, per chat, by at least
 *   `perChatGapMs`. A steady spacing keeps every rolling minute under the ceiling.
 * - A conversation send (reply, reminder) reserves the earliest such slot at once, even one in
 *   the future: conversations queue among themselves, first come first served.
 * - A campaign send takes a slot only when one is free right now, and at most every
 *   gap / campaignShare. It never holds a future slot, so no reply ever queues behind a
 *   campaign message (at worst behind the one being sent at that moment); and the share
 *   leaves room, so a reply during a campaign usually finds a free slot at once. When the
 *   conversations use the whole budget, campaign sends wait: they are the ones that can.
 *
 * This in-process pacer is the budget of one process: the fallback while Redis is
 * unreachable, and what runs when a channel is built without a shared budget.
 * @module
 */
import type { SendPriority } from '../../storage/send-priority.ts';

/** What a channel asks before each send; implemented here and by the shared Redis budget. */
export interface SendPacer {
  /** Resolves when a message to `chat` may go out (`campaign` sends yield to conversations). */
  wait(chat: string, priority?: SendPriority): Promise<void>;
}

export interface PacerOptions {
  /** Minimum milliseconds between two messages to the same chat. */
  perChatGapMs: number;
  /** Maximum messages per rolling minute, all chats together. */
  perMinute: number;
  /** Largest share (0–1] of the budget campaign messages may take; default 0.5. */
  campaignShare?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export const DEFAULT_CAMPAIGN_SHARE = 0.5;

/** A reservation: the slot taken, or (a campaign send without room now) when to ask again. */
export type Reservation = { granted: true; at: number } | { granted: false; retryAt: number };

export class Pacer implements SendPacer {
  private readonly lastByChat = new Map<string, number>();
  /** The latest reserved send time over all chats. */
  private lastAny = -Infinity;
  /** The latest campaign send time. */
  private lastCampaign = -Infinity;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly opts: PacerOptions) {
    this.now = opts.now ?? Date.now;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** The spacing that keeps any rolling minute at or under `perMinute` sends. */
  get globalGapMs(): number {
    return 60_000 / this.opts.perMinute;
  }

  /** The spacing of campaign sends: their share of the budget. */
  get campaignGapMs(): number {
    return this.globalGapMs / (this.opts.campaignShare ?? DEFAULT_CAMPAIGN_SHARE);
  }

  /** Takes the earliest slot for `chat` under the rule above, without waiting. */
  reserve(chat: string, priority: SendPriority = 'conversation'): Reservation {
    const t = this.now();
    let at = Math.max(t, (this.lastByChat.get(chat) ?? -Infinity) + this.opts.perChatGapMs, this.lastAny + this.globalGapMs);
    if (priority === 'campaign') {
      at = Math.max(at, this.lastCampaign + this.campaignGapMs);
      if (at > t) return { granted: false, retryAt: at };
      this.lastCampaign = at;
    }
    this.lastByChat.set(chat, at);
    this.lastAny = at;
    if (this.lastByChat.size > 10_000) {
      for (const [c, last] of this.lastByChat) if (last < t - this.opts.perChatGapMs) this.lastByChat.delete(c);
    }
    return { granted: true, at };
  }

  /** Reserves the earliest allowed send time for `chat` and resolves at that time. */
  async wait(chat: string, priority: SendPriority = 'conversation'): Promise<void> {
    for (;;) {
      const r = this.reserve(chat, priority);
      const t = this.now();
      if (r.granted) return r.at > t ? this.sleep(r.at - t) : undefined;
      await this.sleep(Math.max(1, r.retryAt - t));
    }
  }
}
