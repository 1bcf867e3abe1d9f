/**
 * The one owner of outbound delivery. Every reply, reminder, media note, campaign message and
 * follow-up invitation is queued here inside its writer's transaction, numbered from the one
 * position sequence (so rows for an address come out in commit order), and delivered per
 * address, one flush per address at a time, oldest first; a refused send stays in the outbox
 * for the retry timer. A send the channel calls permanent (the person blocked the bot, their
 * account is gone) is not retried: every row for that address is dropped and the contact marked
 * unreachable, until the person writes again. Built once in the composition root.
 * @module
 */
import type { Logger } from 'pino';
import type { OutboxWriter, OutgoingMessage } from '../../storage/outbox.ts';
import type { Store, StoreTx } from '../../storage/store.ts';
import type { ChannelPort } from '../channels/port.ts';
import { isRecipientUnreachable, isUndeliverable } from '../channels/errors.ts';
import type { RenderedMessage } from '../conversation/render.ts';
import { KeyedSerial } from '../serial.ts';

export interface DeliveryDeps {
  store: Store;
  /** Channels this process runs (the map may grow after construction); others' rows wait for their process. */
  channels: ReadonlyMap<string, ChannelPort>;
  log: Logger;
  now?: () => Date;
}

export class Delivery implements OutboxWriter {
  private readonly flushes = new KeyedSerial();
  /** Orders rows committed within the same millisecond; the only position counter. */
  private seq = 0;
  private retryTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DeliveryDeps) {}

  async enqueue(tx: StoreTx, messages: readonly OutgoingMessage[]): Promise<void> {
    await tx.enqueueOutbound(messages.map((m) => ({ ...m, position: this.seq++ })));
  }

  /** Delivers queued messages for one address in order; stops at the first failure (kept for retry). */
  flush(channel: string, address: string): Promise<number> {
    // One flush per address at a time, or two could read and send the same rows.
    return this.flushes.run(`${channel}\u0000${address}`, () => this.deliver(channel, address));
  }

  private async deliver(channel: string, address: string): Promise<number> {
    const port = this.deps.channels.get(channel);
    if (!port) return 0;
    return this.deps.store.withAddressLock(channel, address, async (outbox) => {
      const delivered: string[] = [];
      try {
        for (const row of await outbox.pendingOutbound({ address: { channel, address } })) {
          try {
            // Rows come conversations first; the priority also tells the channel's pacer who may wait.
            await port.send(address, row.payload as RenderedMessage, { id: row.id, respondentId: row.respondentId, priority: row.priority });
          } catch (e) {
            if (isRecipientUnreachable(e)) {
              const r = await outbox.markUnreachable(channel, address, this.now().toISOString());
              this.logUnreachable(channel, r.respondentId ?? row.respondentId, e.reason, r.dropped);
              break;
            }
            if (isUndeliverable(e)) {
              // Retrying cannot help: say so loudly and go on with the next message.
              this.deps.log.error({ channel, err: (e as Error).message, respondent: row.respondentId }, 'message cannot be delivered; dropped, not retried');
              delivered.push(row.id);
              continue;
            }
            await outbox.markFailed(row.id, (e as Error).message);
            this.deps.log.warn({ channel, err: (e as Error).message, respondent: row.respondentId }, 'reply not delivered; kept in the outbox');
            break;
          }
          delivered.push(row.id);
        }
      } finally {
        // One commit for the whole batch: each commit is an fsync.
        await outbox.markDelivered(delivered);
      }
      return delivered.length;
    });
  }

  /**
   * The channel learnt by itself that an address is unreachable (Telegram's my_chat_member
   * "kicked"): drops its queued rows and marks it, in turn with any flush to that address.
   */
  unreachable(channel: string, address: string, reason: string): Promise<void> {
    return this.flushes.run(`${channel}\u0000${address}`, async () => {
      const r = await this.deps.store.withAddressLock(channel, address, (outbox) => outbox.markUnreachable(channel, address, this.now().toISOString()));
      this.logUnreachable(channel, r.respondentId, reason, r.dropped);
    });
  }

  /** The person can be reached again (Telegram: unblocked the bot); a message from them does the same. */
  async reachable(channel: string, address: string): Promise<void> {
    if (await this.deps.store.markReachable(channel, address)) this.deps.log.info({ channel }, 'recipient reachable again');
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private logUnreachable(channel: string, respondent: string | null, reason: string, dropped: number): void {
    // The pseudonymous id only: the address stays out of logs.
    this.deps.log.info({ channel, respondent, reason, dropped }, 'recipient unreachable; queued messages dropped, no retry');
  }

  /** Re-sends everything left in the outbox (after a restart, a reconnect, or on the retry timer). */
  async flushAll(): Promise<number> {
    const seen = new Set<string>();
    let sent = 0;
    for (const row of await this.deps.store.pendingOutbound({}, 10_000)) {
      const key = `${row.channel}\u0000${row.address}`;
      if (seen.has(key)) continue;
      seen.add(key);
      sent += await this.flush(row.channel, row.address);
    }
    return sent;
  }

  /** Retries refused messages every `ms`, even if the person stays silent. */
  startRetry(ms: number): void {
    this.stop();
    this.retryTimer = setInterval(() => void this.flushAll().catch((e: Error) => this.deps.log.warn({ err: e.message }, 'outbox retry failed')), ms);
    this.retryTimer.unref();
  }

  stop(): void {
    clearInterval(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Resolves when no flush is running (for shutdown). */
  idle(): Promise<void> {
    return this.flushes.idle();
  }
}
