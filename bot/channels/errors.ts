/**
 * Channel failures by code: what went wrong between us and Telegram, WhatsApp or the
 * try-it page, apart from the store and the engine.
 * @module
 */
import { StemmenError } from '../../surveys/errors.ts';

export type ChannelErrorCode =
  | 'not_connected' // the channel is down for now; the outbox retries
  | 'send_failed' // the channel refused or lost a send
  | 'recipient_unreachable' // permanent: the person blocked us or the account is gone; the outbox drops their rows
  | 'unreadable'; // an inbound update we could not turn into a message (a converter bug)

export class ChannelError extends StemmenError<ChannelErrorCode> {
  override name = 'ChannelError';
  readonly layer = 'channel' as const;
}

/** Why an address cannot be reached: it blocked the bot, its account was deleted, or the chat is unknown. */
export type UnreachableReason = 'blocked' | 'deactivated' | 'not_found';

/**
 * A send that will fail the same way every time until the person writes again (or unblocks
 * us): retrying it is pointless and only keeps their address in the outbox. Any channel's
 * port may throw it; Delivery then drops the address's pending rows and marks it unreachable.
 */
export class RecipientUnreachableError extends ChannelError {
  override name = 'RecipientUnreachableError';
  constructor(
    readonly reason: UnreachableReason,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('recipient_unreachable', message, options);
  }
}

/**
 * This one message can never be sent as it is (the WhatsApp Cloud API needs an approved
 * template outside its 24-hour window and none is configured for its kind and language).
 * Delivery drops the row with an error in the log instead of retrying it forever; the
 * address's other messages still go.
 */
export class UndeliverableError extends ChannelError {
  override name = 'UndeliverableError';
  constructor(message: string, options?: { cause?: unknown }) {
    super('send_failed', message, options);
  }
}

export const isUndeliverable = (e: unknown): e is UndeliverableError => e instanceof UndeliverableError;

export const isRecipientUnreachable = (e: unknown): e is RecipientUnreachableError => e instanceof RecipientUnreachableError;
