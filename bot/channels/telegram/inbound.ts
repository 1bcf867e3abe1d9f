/**
 * Telegram update → {@link InboundMessage}, in one pure function.
 *
 * Returns null for updates that get no reply at all: group and channel traffic, service
 * messages, bot-to-bot chatter, membership changes, and malformed updates.
 * @module
 */
import type { Message, Update } from 'grammy/types';
import type { MediaRef } from '../../../surveys/engine/types.ts';
import type { InboundContent, InboundMessage } from '../port.ts';
import { isReadableUpdate } from './shape.ts';

/** Message fields that are answers we cannot use; each gets a calm reply naming the kind. */
const UNSUPPORTED: ReadonlyArray<[keyof Message, string]> = [
  ['sticker', 'sticker'],
  ['location', 'location'],
  ['venue', 'location'],
  ['contact', 'contact'],
  ['poll', 'poll'],
  ['dice', 'dice'],
  ['game', 'game'],
  ['animation', 'animation'],
  ['story', 'story'],
  ['invoice', 'invoice'],
  ['paid_media', 'paid_media'],
  ['checklist', 'checklist'],
  ['giveaway', 'giveaway'],
];

function media(m: Message): { media: MediaRef; caption: string | undefined } | null {
  const caption = m.caption;
  const ref = (
    kind: MediaRef['kind'],
    f: { file_id: string; file_unique_id: string; file_size?: number | undefined },
    extra: Partial<MediaRef>,
  ): { media: MediaRef; caption: string | undefined } => ({
    media: { kind, fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size, ...extra },
    caption,
  });
  if (m.voice) return ref('voice', m.voice, { mimeType: m.voice.mime_type ?? 'audio/ogg', durationSeconds: m.voice.duration });
  if (m.video_note) return ref('video_note', m.video_note, { mimeType: 'video/mp4', durationSeconds: m.video_note.duration });
  if (m.video) return ref('video', m.video, { mimeType: m.video.mime_type, durationSeconds: m.video.duration });
  if (m.audio) return ref('audio', m.audio, { mimeType: m.audio.mime_type, durationSeconds: m.audio.duration });
  if (m.photo?.length) {
    const largest = m.photo.reduce((a, b) => ((b.file_size ?? b.width * b.height) > (a.file_size ?? a.width * a.height) ? b : a));
    return ref('image', largest, { mimeType: 'image/jpeg' });
  }
  if (m.document) return ref('document', m.document, { mimeType: m.document.mime_type });
  return null;
}

function content(m: Message): InboundContent | null {
  if (m.text !== undefined) {
    const command = m.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
    if (command) {
      // "/start@stemmen_bot code" → start, "code"
      const name = m.text.slice(1, command.length).split('@')[0]!.toLowerCase();
      const arg = m.text.slice(command.length).trim();
      return { kind: 'command', command: name, arg: arg || undefined };
    }
    return { kind: 'text', text: m.text };
  }
  const found = media(m);
  if (found) return { kind: 'media', media: found.media, caption: found.caption };
  for (const [field, what] of UNSUPPORTED) if (m[field] !== undefined) return { kind: 'unsupported', what };
  return null; // service messages (pinned, joined, …): nothing to answer
}

/** Null also for an update whose fields do not have the documented types (see shape.ts). */
export function toInbound(update: Update): InboundMessage | null {
  if (!isReadableUpdate(update)) return null;
  const receivedAt = (unix: number) => new Date(unix * 1000).toISOString();
  if (update.callback_query) {
    const q = update.callback_query;
    if (!q.data || q.message?.chat.type !== 'private') return null;
    return {
      // Keyed by keyboard message + data: a double tap on the same button is one answer.
      channel: 'telegram',
      address: String(q.message.chat.id),
      messageId: `kb-${q.message.message_id}-${q.data}`,
      receivedAt: new Date().toISOString(),
      languageHint: q.from.language_code,
      tapped: String(q.message.message_id),
      content: { kind: 'button', data: q.data },
    };
  }
  const edited = update.edited_message;
  const m = update.message ?? edited;
  if (m?.chat.type !== 'private' || m.from?.is_bot) return null;
  const c = edited ? { kind: 'unsupported' as const, what: 'edit' } : content(m);
  if (!c) return null;
  return {
    channel: 'telegram',
    address: String(m.chat.id),
    // message_id is unique per chat for good, unlike update_id, which Telegram may restart.
    messageId: edited ? `e-${m.message_id}-${m.edit_date ?? 0}` : `m-${m.message_id}`,
    receivedAt: receivedAt(m.date),
    languageHint: m.from?.language_code,
    content: c,
  };
}
