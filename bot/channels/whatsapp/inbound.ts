/**
 * WhatsApp (Baileys) message → {@link InboundMessage}, in one pure function.
 *
 * Returns null for what gets no reply: our own messages, groups, status broadcasts,
 * newsletters, revoked (deleted) messages and protocol chatter.
 * @module
 */
import { languagesForJids } from '../language-hint.ts';
import { getContentType, jidNormalizedUser, normalizeMessageContent, toNumber, type WAMessage } from '@whiskeysockets/baileys';
import type { MediaRef } from '../../../surveys/engine/types.ts';
import type { InboundContent, InboundMessage } from '../port.ts';
import { encodeMediaHandle, mediaHandleOf } from './media.ts';

/** True for one-to-one chats with a person (phone-number JID or LID). */
export function isPersonJid(jid: string | null | undefined): jid is string {
  return !!jid && (jid.endsWith('@s.whatsapp.net') || jid.endsWith('@lid'));
}

const UNSUPPORTED: Record<string, string> = {
  stickerMessage: 'sticker',
  locationMessage: 'location',
  liveLocationMessage: 'location',
  contactMessage: 'contact',
  contactsArrayMessage: 'contact',
  reactionMessage: 'reaction',
  pollCreationMessage: 'poll',
  pollCreationMessageV2: 'poll',
  pollCreationMessageV3: 'poll',
  editedMessage: 'edit',
  eventMessage: 'event',
  groupInviteMessage: 'invite',
};
/** Content types that are bookkeeping, not something a person said to us. */
const IGNORED = new Set(['senderKeyDistributionMessage', 'messageContextInfo', 'pollUpdateMessage', 'keepInChatMessage', 'pinInChatMessage']);

function mediaKind(type: string, ptt: boolean): MediaRef['kind'] | null {
  switch (type) {
    case 'audioMessage':
      return ptt ? 'voice' : 'audio';
    case 'ptvMessage':
      return 'video_note';
    case 'videoMessage':
      return 'video';
    case 'imageMessage':
      return 'image';
    case 'documentMessage':
      return 'document';
    default:
      return null;
  }
}

function content(m: WAMessage): InboundContent | null {
  const c = normalizeMessageContent(m.message);
  const type = c ? getContentType(c) : undefined;
  if (!c || !type || IGNORED.has(type)) return null;
  if (type === 'conversation') return { kind: 'text', text: c.conversation ?? '' };
  if (type === 'extendedTextMessage') return { kind: 'text', text: c.extendedTextMessage?.text ?? '' };
  if (type === 'protocolMessage') {
    // An edit arrives as a protocol message; a revoke (delete for everyone) needs no reply.
    return c.protocolMessage?.editedMessage ? { kind: 'unsupported', what: 'edit' } : null;
  }
  const found = mediaHandleOf(c);
  if (found) {
    const h = found.handle;
    const kind = mediaKind(found.messageType, c.audioMessage?.ptt === true);
    if (kind) {
      const caption = c.imageMessage?.caption ?? c.videoMessage?.caption ?? c.documentMessage?.caption ?? undefined;
      const media: MediaRef = {
        kind,
        fileRef: encodeMediaHandle(h),
        uniqueId: h.fileSha256,
        mimeType: h.mimetype,
        size: h.fileLength,
        durationSeconds: h.seconds,
      };
      return { kind: 'media', media, caption: caption || undefined };
    }
  }
  return { kind: 'unsupported', what: UNSUPPORTED[type] ?? type.replace(/Message$/, '') };
}

export function toInbound(m: WAMessage): InboundMessage | null {
  const key = m.key;
  if (!key || key.fromMe || !isPersonJid(key.remoteJid)) return null;
  const c = content(m);
  if (!c || !key.id) return null;
  const aliases = [key.remoteJid, key.remoteJidAlt].filter(isPersonJid).map((j) => jidNormalizedUser(j));
  const ts = m.messageTimestamp ? toNumber(m.messageTimestamp) : 0;
  // The number suggests languages; only those travel on, never the number.
  const languageHints = languagesForJids([key.remoteJid, key.remoteJidAlt]);
  return {
    channel: 'whatsapp',
    // Reply to the JID the message came from (LID or phone number), as WhatsApp expects.
    address: key.remoteJid,
    messageId: key.id,
    receivedAt: new Date(ts > 0 ? ts * 1000 : Date.now()).toISOString(),
    aliases: [...new Set(aliases)],
    ...(languageHints.length ? { languageHints } : {}),
    content: c,
  };
}
