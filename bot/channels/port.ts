/**
 * The seam between chat channels and the inbound handler.
 *
 * Each channel turns its native update into one {@link InboundMessage} in a pure function,
 * and delivers a {@link RenderedMessage} through its {@link ChannelPort}. Channel quirks
 * (callback data, numbered replies, voice vs video note) end at this seam.
 * @module
 */
import type { Channel } from '../../surveys/channels.ts';
import type { RespondentInput } from '../../surveys/engine/types.ts';
import type { RenderedMessage } from '../conversation/render.ts';
import type { SendPriority } from '../../storage/send-priority.ts';

/**
 * What a message carries: the engine's input, except that a command arrives as the name the
 * channel saw (`/frobnicate` included); the inbound handler checks it.
 */
export type InboundContent = Exclude<RespondentInput, { kind: 'command' }> | { kind: 'command'; command: string; arg?: string | undefined };

export interface InboundMessage {
  channel: Channel;
  /** Where replies go (chat id, JID, browser token). Stays in contacts/outbox; never in answers or logs. */
  address: string;
  /** The channel's id for this message; redeliveries carry the same id. */
  messageId: string;
  /** ISO-8601 time the channel says the message was sent (or received). */
  receivedAt: string;
  /** The user's app language, a hint for the first language question. */
  languageHint?: string | undefined;
  /**
   * Further suggestions, most likely first (WhatsApp: from the number's country calling
   * code, see ../language-hint.ts). The picker shows them first; the respondent confirms.
   */
  languageHints?: string[] | undefined;
  /**
   * Every address this sender is known by on the channel (WhatsApp: phone-number JID and
   * LID). The channel resolves them to one stable identity before handing the message on.
   */
  aliases?: string[] | undefined;
  /** Stable identity key for the pseudonym when it differs from the reply address. */
  identity?: string | undefined;
  /** For a tapped button: the channel's id of the message that carried the keyboard (so a redraw can edit it). */
  tapped?: string | undefined;
  content: InboundContent;
}

/**
 * Delivers rendered messages on one channel. Throws on failure; the outbox keeps the message for a
 * retry, except after a `RecipientUnreachableError` (errors.ts), which is permanent.
 */
export interface ChannelPort {
  readonly name: Channel;
  /**
   * `id` is the outbox row's id: stable across retries, so a channel can make a resend
   * idempotent. `respondentId` (null: not a respondent) lets a channel tie what it keeps of a
   * sent message to the respondent, so erasure removes it. `priority` (default `conversation`)
   * tells the channel's pacer whether the send may wait for room in the budget (`campaign`).
   */
  send(address: string, message: RenderedMessage, meta?: { id: string; respondentId?: string | null; priority?: SendPriority }): Promise<void>;
}
