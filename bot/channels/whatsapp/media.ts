/**
 * The media handle of an incoming WhatsApp message: the key plus where to fetch the file and
 * the hashes to check it (see workers/media/whatsapp-handle.ts). The worker downloads and
 * decrypts it later, after the chat turn is committed.
 * @module
 */
import type { proto } from '@whiskeysockets/baileys';
import { compact, type WhatsAppMediaHandle } from '../../../workers/media/whatsapp-handle.ts';

export { encodeMediaHandle, decodeMediaHandle, type WhatsAppMediaHandle } from '../../../workers/media/whatsapp-handle.ts';

export type WhatsAppMediaMessageType = 'audioMessage' | 'videoMessage' | 'ptvMessage' | 'imageMessage' | 'documentMessage';

/** Checked in this order; stickers are deliberately absent: the engine cannot take them as answers. */
const MEDIA_FIELDS = [
  ['audioMessage', 'audio'],
  ['videoMessage', 'video'],
  ['ptvMessage', 'video'],
  ['imageMessage', 'image'],
  ['documentMessage', 'document'],
] as const;

const b64 = (bytes: Uint8Array | null | undefined): string | undefined => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString('base64') : undefined);

/** uint64 fields decode as `Long` objects from the wire but are plain numbers when built locally. */
const num = (v: number | { toNumber(): number } | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'number' ? v : v.toNumber();

/**
 * The media handle of a message content that was already unwrapped by `normalizeMessageContent`
 * (ephemeral, view-once, document-with-caption); null when it carries no downloadable media.
 */
export function mediaHandleOf(content: proto.IMessage | null | undefined): { handle: WhatsAppMediaHandle; messageType: WhatsAppMediaMessageType } | null {
  if (!content) return null;
  for (const [messageType, kind] of MEDIA_FIELDS) {
    // One view over the five media protos: absent fields (seconds on images…) read as undefined.
    const m = content[messageType] as (proto.Message.IAudioMessage & proto.Message.IDocumentMessage) | null | undefined;
    if (!m) continue;
    // Without a (well-formed, 32-byte) key the file can never be decrypted.
    if (m.mediaKey?.length !== 32) return null;
    const mediaKey = Buffer.from(m.mediaKey).toString('base64');
    const handle = compact<WhatsAppMediaHandle>({
      kind,
      mediaKey,
      url: m.url ?? undefined,
      directPath: m.directPath ?? undefined,
      fileEncSha256: b64(m.fileEncSha256),
      fileSha256: b64(m.fileSha256),
      fileLength: num(m.fileLength),
      mimetype: m.mimetype ?? undefined,
      seconds: m.seconds ?? undefined,
      fileName: m.fileName ?? undefined,
    });
    return { handle, messageType };
  }
  return null;
}
