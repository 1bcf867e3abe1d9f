/**
 * Which Bot API errors mean "this chat cannot be reached any more": the user blocked the
 * bot (403), deleted their account (403 "user is deactivated"), or the chat does not exist
 * for this bot (400 "chat not found"). These answer the same on every retry, so they become
 * a {@link RecipientUnreachableError}; everything else (429, 5xx, network) stays transient.
 * @module
 */
import { GrammyError } from 'grammy';
import { RecipientUnreachableError, type UnreachableReason } from '../errors.ts';

/** The permanent reason behind a Bot API error, or null when a retry may succeed. */
export function unreachableReason(e: unknown): UnreachableReason | null {
  if (!(e instanceof GrammyError)) return null;
  const d = e.description.toLowerCase();
  if (e.error_code === 403 && d.includes('bot was blocked by the user')) return 'blocked';
  if (e.error_code === 403 && d.includes('user is deactivated')) return 'deactivated';
  if (e.error_code === 400 && d.includes('chat not found')) return 'not_found';
  return null;
}

/** `e` as a RecipientUnreachableError when it is permanent, else `e` unchanged. */
export function asPermanent(e: unknown): unknown {
  const reason = unreachableReason(e);
  return reason ? new RecipientUnreachableError(reason, `telegram: ${(e as GrammyError).description}`, { cause: e }) : e;
}
