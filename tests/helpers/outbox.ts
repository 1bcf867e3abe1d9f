/**
 * An outbox writer for storage tests that run without the bot's delivery: rows keep the order
 * of each call.
 */
import type { OutboxWriter } from '../../storage/outbox.ts';

export const plainOutbox: OutboxWriter = {
  enqueue: (tx, messages) => tx.enqueueOutbound(messages.map((m, position) => ({ ...m, position }))),
};
