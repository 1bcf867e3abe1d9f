/**
 * Telegram's sending limits, as the fake Bot API can enforce them: at most `perSecond`
 * sends and edits per bot in any sliding second, and `perChatPerSecond` per chat; beyond
 * that a 429 with `parameters.retry_after`, as Telegram answers. Edits count like sends
 * (Telegram throttles them too); answering a callback query and chat actions are no
 * messages and do not count. A refused call uses no budget.
 * @module
 */

export interface TelegramLimitOptions {
  perSecond: number;
  perChatPerSecond: number;
}

export interface LimitRefusal {
  error_code: 429;
  description: string;
  parameters: { retry_after: number };
}

/** Methods that put a message in a chat or change one. */
const COUNTED = /^(send|edit|copyMessage|forwardMessage)/;

export class TelegramLimits {
  /** 429s given, by the limit that was hit. */
  readonly refused = { global: 0, perChat: 0 };
  /** Calls let through, and the time of the first and last (for sends per second). */
  accepted = 0;
  firstAt: number | null = null;
  lastAt: number | null = null;
  private global: number[] = [];
  private readonly chats = new Map<string, number[]>();

  constructor(
    readonly options: TelegramLimitOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts the call, or returns the 429 to answer instead. */
  check(method: string, params: Record<string, unknown>): LimitRefusal | null {
    if (!COUNTED.test(method) || method === 'sendChatAction') return null;
    const t = this.now();
    this.global = this.global.filter((s) => s > t - 1000);
    const chat = String(params.chat_id ?? '');
    const mine = (this.chats.get(chat) ?? []).filter((s) => s > t - 1000);
    if (this.global.length >= this.options.perSecond) return this.refuse('global', this.global[0]!, t);
    if (mine.length >= this.options.perChatPerSecond) return this.refuse('perChat', mine[0]!, t);
    this.global.push(t);
    mine.push(t);
    this.chats.set(chat, mine);
    if (this.chats.size > 50_000) for (const [c, times] of this.chats) if (times.every((s) => s <= t - 1000)) this.chats.delete(c);
    this.accepted++;
    this.firstAt ??= t;
    this.lastAt = t;
    return null;
  }

  private refuse(which: 'global' | 'perChat', oldest: number, t: number): LimitRefusal {
    this.refused[which]++;
    const retry = Math.max(1, Math.ceil((oldest + 1000 - t) / 1000));
    return {
      error_code: 429,
      description: `Too Many Requests: retry after ${retry}`,
      parameters: { retry_after: retry },
    };
  }
}
