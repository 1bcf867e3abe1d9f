/**
 * Channel failures by code: what went wrong between us and Telegram, WhatsApp or the
 * try-it page, apart from the store and the engine.
 * @module
 */
import { StemmenError } from '../../surveys/errors.ts';

export type ChannelErrorCode =
  | 'not_connected' // the channel is down for now; the outbox retries
  | 'send_failed' // the channel refused or lost a send
  | 'unreadable'; // an inbound update we could not turn into a message (a converter bug)

export class ChannelError extends StemmenError<ChannelErrorCode> {
  override name = 'ChannelError';
  readonly layer = 'channel' as const;
}
