/**
 * Long polling that handles a batch of updates concurrently across chats, in order within a
 * chat, and confirms the batch (the next `getUpdates` offset) only after every update of it
 * was handled — grammY's own `bot.start()` confirms the same way but handles one update at a
 * time, so one respondent's commit waited for every other's (issue 20). Handling many at once
 * is also what lets the store commit several respondents' transactions with one fsync.
 * @module
 */
import { BotError, GrammyError, type Bot } from 'grammy';
import type { Update } from 'grammy/types';

export interface PollingOptions {
  allowedUpdates: ReadonlyArray<Exclude<keyof Update, 'update_id'>>;
  /** Gets what a middleware threw (as `bot.catch` would). */
  onError: (err: BotError) => unknown;
  /** Long-poll seconds (Telegram holds the request open this long when there is nothing). */
  timeoutSeconds?: number;
}

/**
 * The chat an update belongs to: updates of one chat run one after another, in order. Read
 * defensively: Telegram (or a proxy) can hand out a malformed update, which must reach
 * grammY's own handling (and be skipped there) instead of stopping the poller.
 */
function chatOf(u: Update): number | string {
  const idOf = (v: unknown): number | undefined => {
    const id = typeof v === 'object' && v !== null ? (v as { id?: unknown }).id : undefined;
    return typeof id === 'number' ? id : undefined;
  };
  const chat = (m: unknown) => (typeof m === 'object' && m !== null ? idOf((m as { chat?: unknown }).chat) : undefined);
  const cq = u.callback_query as unknown as { message?: unknown; from?: unknown } | undefined;
  return chat(u.message) ?? chat(u.edited_message) ?? chat(cq?.message) ?? idOf(cq?.from) ?? chat(u.my_chat_member) ?? `update-${u.update_id}`;
}

/** grammY's own AbortSignal type (from its node shim), which the global one does not satisfy. */
type Signal = Parameters<Bot['api']['getUpdates']>[1];

export class BatchPolling {
  private running = false;
  private abort: AbortController | null = null;
  private offset = 0;

  constructor(
    private readonly bot: Bot,
    private readonly opts: PollingOptions,
  ) {}

  /** Polls until {@link stop}; rejects on 401 (bad token) or 409 (another poller or a webhook). */
  async run(): Promise<void> {
    this.running = true;
    this.abort = new AbortController();
    await this.retrying(() => this.bot.api.deleteWebhook({ drop_pending_updates: false }, this.abort?.signal as Signal));
    while (this.running) {
      let updates: Update[] | undefined;
      await this.retrying(async () => {
        updates = await this.bot.api.getUpdates(
          { offset: this.offset, timeout: this.opts.timeoutSeconds ?? 30, allowed_updates: this.opts.allowedUpdates },
          this.abort?.signal as Signal,
        );
      });
      if (!updates || !this.running) break;
      await this.handleBatch(updates);
      const last = updates.at(-1);
      if (last) this.offset = last.update_id + 1;
    }
  }

  /** Stops after the batch in hand is handled and confirms it. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.abort?.abort();
    await this.bot.api.getUpdates({ offset: this.offset, limit: 1, timeout: 0 });
  }

  private async handleBatch(updates: Update[]): Promise<void> {
    const chats = new Map<number | string, Update[]>();
    for (const u of updates) {
      const list = chats.get(chatOf(u));
      if (list) list.push(u);
      else chats.set(chatOf(u), [u]);
    }
    await Promise.all(
      [...chats.values()].map(async (list) => {
        for (const u of list) {
          try {
            await this.bot.handleUpdate(u);
          } catch (e) {
            // handleUpdate wraps whatever the middleware threw; anything else is a bug of ours.
            if (!(e instanceof BotError)) throw e;
            await this.opts.onError(e);
          }
        }
      }),
    );
  }

  /** Runs a Bot API call until it succeeds or polling stops; 401 and 409 are final. */
  private async retrying(call: () => Promise<unknown>): Promise<void> {
    while (this.running) {
      try {
        await call();
        return;
      } catch (e) {
        if (!this.running) return;
        if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 409)) throw e;
        const wait = e instanceof GrammyError && e.error_code === 429 ? (e.parameters.retry_after ?? 3) : 3;
        await new Promise((r) => setTimeout(r, wait * 1000));
      }
    }
  }
}
