/**
 * What a `my_chat_member` update says about a private chat: Telegram sends one when the
 * person blocks the bot (new status "kicked") and when they unblock it ("member"). Groups
 * and channels are ignored, like their messages. Checked with zod first, like every update
 * field we read (shape.ts): a malformed one is ignored, never a crash.
 * @module
 */
import { z } from 'zod';

const myChatMember = z.looseObject({
  chat: z.looseObject({ id: z.number().int(), type: z.string() }),
  new_chat_member: z.looseObject({ status: z.string() }),
});

export type MembershipChange = { address: string; change: 'blocked' | 'unblocked' };

export function membershipChange(update: { my_chat_member?: unknown }): MembershipChange | null {
  if (update.my_chat_member === undefined) return null;
  const parsed = myChatMember.safeParse(update.my_chat_member);
  if (!parsed.success || parsed.data.chat.type !== 'private') return null;
  const status = parsed.data.new_chat_member.status;
  const change = status === 'kicked' ? 'blocked' : status === 'member' ? 'unblocked' : null;
  return change && { address: String(parsed.data.chat.id), change };
}
