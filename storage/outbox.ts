/**
 * The outbox as repositories that write it inside their own transactions see it: they hand
 * their messages to an {@link OutboxWriter} (bot/delivery's `Delivery`), which numbers them
 * from the one position sequence, so every writer's rows for an address keep commit order.
 * @module
 */
import type { StoreTx } from './store.ts';
import type { Channel } from '../surveys/channels.ts';
import type { SendPriority } from './send-priority.ts';

export type { SendPriority } from './send-priority.ts';

/** One message to queue; `respondentId` null for someone not (or no longer) a respondent. */
export interface OutgoingMessage {
  id: string;
  respondentId: string | null;
  channel: Channel;
  address: string;
  payload: unknown;
  createdAt: string;
  /** Default `conversation`. */
  priority?: SendPriority;
}

export interface OutboxWriter {
  /** Queues `messages` (one address per call) in `tx`, in the given order. */
  enqueue(tx: StoreTx, messages: readonly OutgoingMessage[]): Promise<void>;
}
