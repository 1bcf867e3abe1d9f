/**
 * Sending pace for a channel: a minimum gap per chat and a ceiling per rolling minute
 * overall. WhatsApp bans unofficial clients that send at bulk rates; Telegram answers 429
 * above about 30 messages a second. A survey conversation never needs more.
 *
 * Each call reserves its slot at once: sends are spaced by the global gap (60 s / perMinute)
 * and, per chat, by at least `perChatGapMs`. A steady spacing keeps every rolling minute
 * under the ceiling without bursts.
 * @module
 */
export interface PacerOptions {
  /** Minimum milliseconds between two messages to the same chat. */
  perChatGapMs: number;
  /** Maximum messages per rolling minute, all chats together. */
  perMinute: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class Pacer {
  private readonly lastByChat = new Map<string, number>();
  /** The latest reserved send time over all chats. */
  private lastAny = -Infinity;
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

  /** Reserves the earliest allowed send time for `chat` and resolves at that time. */
  wait(chat: string): Promise<void> {
    const t = this.now();
    const at = Math.max(t, (this.lastByChat.get(chat) ?? -Infinity) + this.opts.perChatGapMs, this.lastAny + this.globalGapMs);
    this.lastByChat.set(chat, at);
    this.lastAny = at;
    if (this.lastByChat.size > 10_000) {
      for (const [c, last] of this.lastByChat) if (last < t - this.opts.perChatGapMs) this.lastByChat.delete(c);
    }
    return at > t ? this.sleep(at - t) : Promise.resolve();
  }
}
