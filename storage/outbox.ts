/**
 * The outbox as repositories that write it inside their own transactions see it: they hand
 * their messages to an {@link OutboxWriter} (bot/delivery's `Delivery`), which numbers them
 * from the one position sequence, so every writer's rows for an address keep commit order.
 * @module
 */
import type { StoreTx } from './store.ts';
import type { QueuedRow } from './store-tx.ts';

export type { SendPriority } from './send-priority.ts';

/** One message to queue (StoreTx numbers it): `respondentId` null for someone not (or no longer) a respondent, `priority` by default `conversation`. */
export type OutgoingMessage = Omit<QueuedRow, 'position'>;

export interface OutboxWriter {
  /** Queues `messages` (one address per call) in `tx`, in the given order. */
  enqueue(tx: StoreTx, messages: readonly OutgoingMessage[]): Promise<void>;
}
