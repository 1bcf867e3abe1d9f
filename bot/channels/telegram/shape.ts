/**
 * The shape of the update fields {@link toInbound} reads, checked before it reads them.
 *
 * grammY passes updates on unchecked. One that does not match the Bot API types (a broken
 * proxy, a forged webhook call, a future API change) must be ignored, not crash the bot:
 * a crash leaves the update unconfirmed, so it would be redelivered and crash it again.
 * @module
 */
import { z } from 'zod';

// Unix seconds that `new Date(s * 1000)` can represent.
const unix = z.number().int().min(0).max(8e12);
const user = z.looseObject({ is_bot: z.boolean().optional(), language_code: z.string().optional() });
const chat = z.looseObject({ id: z.number().int(), type: z.string() });
const file = z.looseObject({
  file_id: z.string(),
  file_unique_id: z.string(),
  file_size: z.number().optional(),
  mime_type: z.string().optional(),
  duration: z.number().optional(),
});
const sized = file.extend({ width: z.number(), height: z.number() });

const message = z.looseObject({
  message_id: z.number().int(),
  date: unix,
  edit_date: unix.optional(),
  chat,
  from: user.optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  entities: z.array(z.looseObject({ type: z.string(), offset: z.number().int(), length: z.number().int().min(0) })).optional(),
  voice: file.optional(),
  video_note: file.optional(),
  video: file.optional(),
  audio: file.optional(),
  document: file.optional(),
  photo: z.array(sized).optional(),
});

const callbackQuery = z.looseObject({
  from: user,
  data: z.string().optional(),
  message: z.looseObject({ message_id: z.number().int(), chat }).optional(),
});

const update = z.looseObject({ message: message.optional(), edited_message: message.optional(), callback_query: callbackQuery.optional() });

/** True when every field the inbound mapping reads has the type the Bot API documents. */
export function isReadableUpdate(raw: unknown): boolean {
  return update.safeParse(raw).success;
}
