/**
 * WhatsApp media handles: what we keep of a media message so its file can be downloaded
 * and decrypted later (by a worker, after the chat turn is committed), without keeping the
 * message itself — and so without the sender's JID or phone number.
 *
 * WhatsApp media sits encrypted on its CDN; the message carries the key. The handle is the
 * key plus where to fetch the file and the hashes to check it, serialised as compact JSON
 * into `MediaRef.fileRef`. Downloading rebuilds a minimal message around it and hands that to
 * Baileys' own `downloadMediaMessage`, so decryption stays Baileys' code, not ours.
 * @module
 */
import { createHash } from 'node:crypto';
import type { Transform } from 'node:stream';
import { downloadMediaMessage, type proto, type WAMessage } from '@whiskeysockets/baileys';

/** Everything needed to download and decrypt one WhatsApp media message later (never a phone number or JID). */
export interface WhatsAppMediaHandle {
  /** The Baileys media type used for decryption keys ('ptv' videos use 'video': same keys). */
  kind: 'audio' | 'video' | 'image' | 'document' | 'sticker';
  mediaKey: string; // base64
  url?: string; directPath?: string;
  /** base64; fileSha256 is the plaintext's hash, checked after decryption. */
  fileEncSha256?: string; fileSha256?: string;
  fileLength?: number; mimetype?: string; seconds?: number; fileName?: string;
}

export type WhatsAppMediaMessageType = 'audioMessage' | 'videoMessage' | 'ptvMessage' | 'imageMessage' | 'documentMessage';

/** Baileys' ILogger (a pino logger fits); only its `info` is used here. */
export type MediaLogger = NonNullable<Parameters<typeof downloadMediaMessage>[3]>['logger'];

export interface DownloadOptions {
  logger?: MediaLogger;
  /** Asks the phone to upload expired media again (e.g. `sock.updateMediaMessage`). It receives the
   * placeholder key below, so the caller must supply the real chat key for that to work. */
  reuploadRequest?: (m: proto.IWebMessageInfo) => Promise<proto.IWebMessageInfo>;
  /** Largest plaintext accepted; default {@link DEFAULT_MAX_BYTES}. */
  maxBytes?: number;
  /**
   * Hosts a `url` may point at. The sender's phone supplies the url, so without this check a
   * crafted message could make us fetch any address. Default: WhatsApp's media servers.
   */
  allowHost?: (host: string) => boolean;
}

const WHATSAPP_MEDIA_HOST = (host: string) => host === 'whatsapp.net' || host.endsWith('.whatsapp.net');

/** Generous for voice notes and short videos; bounds memory when a sender lies about the size. */
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** Checked in this order; stickers are deliberately absent: the engine cannot take them as answers. */
const MEDIA_FIELDS = [
  ['audioMessage', 'audio'], ['videoMessage', 'video'], ['ptvMessage', 'video'],
  ['imageMessage', 'image'], ['documentMessage', 'document'],
] as const;

/** Not a real chat: the handle deliberately keeps no JID; downloading never reads the key, only reuploadRequest sees it. */
const PLACEHOLDER_KEY = { remoteJid: 'media-handle@stemmen.invalid', id: 'stemmen-media-handle', fromMe: false };

const b64 = (bytes: Uint8Array | null | undefined): string | undefined =>
  bytes && bytes.length > 0 ? Buffer.from(bytes).toString('base64') : undefined;

/** uint64 fields decode as `Long` objects from the wire but are plain numbers when built locally. */
const num = (v: number | { toNumber(): number } | null | undefined): number | undefined =>
  v === null || v === undefined ? undefined : typeof v === 'number' ? v : v.toNumber();

/** Drops absent fields so the JSON stays small and `exactOptionalPropertyTypes` holds. */
function compact<T extends object>(o: { [K in keyof T]: T[K] | null | undefined }): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== null && v !== '')) as T;
}

/**
 * The media handle of a message content that was already unwrapped by `normalizeMessageContent`
 * (ephemeral, view-once, document-with-caption); null when it carries no downloadable media.
 */
export function mediaHandleOf(
  content: proto.IMessage | null | undefined,
): { handle: WhatsAppMediaHandle; messageType: WhatsAppMediaMessageType } | null {
  if (!content) return null;
  for (const [messageType, kind] of MEDIA_FIELDS) {
    // One view over the five media protos: absent fields (seconds on images…) read as undefined.
    const m = content[messageType] as (proto.Message.IAudioMessage & proto.Message.IDocumentMessage) | null | undefined;
    if (!m) continue;
    // Without a (well-formed, 32-byte) key the file can never be decrypted.
    if (m.mediaKey?.length !== 32) return null;
    const mediaKey = Buffer.from(m.mediaKey).toString('base64');
    const handle = compact<WhatsAppMediaHandle>({
      kind, mediaKey,
      url: m.url ?? undefined, directPath: m.directPath ?? undefined,
      fileEncSha256: b64(m.fileEncSha256), fileSha256: b64(m.fileSha256),
      fileLength: num(m.fileLength), mimetype: m.mimetype ?? undefined,
      seconds: m.seconds ?? undefined, fileName: m.fileName ?? undefined,
    });
    return { handle, messageType };
  }
  return null;
}

export function encodeMediaHandle(h: WhatsAppMediaHandle): string {
  return JSON.stringify(compact({ ...h }));
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const KINDS = new Set<string>(['audio', 'video', 'image', 'document', 'sticker'] satisfies WhatsAppMediaHandle['kind'][]);
const FIELD_TYPES: Record<string, 'string' | 'number' | 'base64'> = {
  url: 'string', directPath: 'string', mimetype: 'string', fileName: 'string',
  fileEncSha256: 'base64', fileSha256: 'base64', fileLength: 'number', seconds: 'number',
};

/** Parses a stored handle; throws a descriptive Error, since a bad row should fail loudly, not download garbage. */
export function decodeMediaHandle(s: string): WhatsAppMediaHandle {
  const fail = (why: string): never => { throw new Error(`Malformed WhatsApp media handle: ${why}`); };
  let raw: unknown;
  try { raw = JSON.parse(s); } catch { fail('not JSON'); }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  const o = raw as Record<string, unknown>;
  if (typeof o.kind !== 'string' || !KINDS.has(o.kind)) fail(`unknown kind ${JSON.stringify(o.kind)}`);
  if (typeof o.mediaKey !== 'string' || !BASE64.test(o.mediaKey) || Buffer.from(o.mediaKey, 'base64').length !== 32) {
    fail('mediaKey must be 32 bytes of base64');
  }
  for (const [field, value] of Object.entries(o)) {
    if (field === 'kind' || field === 'mediaKey') continue;
    const type = FIELD_TYPES[field] ?? fail(`unknown field "${field}"`);
    const ok = type === 'number' ? Number.isSafeInteger(value) && (value as number) >= 0
      : typeof value === 'string' && (type === 'string' || BASE64.test(value));
    if (!ok) fail(`"${field}" is not a valid ${type}`);
  }
  return o as unknown as WhatsAppMediaHandle;
}

const bytes = (s: string | undefined): Uint8Array | null => (s === undefined ? null : Buffer.from(s, 'base64'));

/** The smallest message `downloadMediaMessage` accepts, with the handle's fields back in proto form. */
function messageOf(h: WhatsAppMediaHandle): WAMessage {
  // `url` is always present (null at worst): Baileys refuses media objects without a `url` key.
  const media = {
    url: h.url ?? null, directPath: h.directPath ?? null, mediaKey: bytes(h.mediaKey),
    fileSha256: bytes(h.fileSha256), fileEncSha256: bytes(h.fileEncSha256),
    fileLength: h.fileLength ?? null, mimetype: h.mimetype ?? null,
  };
  const withSeconds = { ...media, seconds: h.seconds ?? null };
  // Baileys derives the decryption key type from the field name, hence one field per kind.
  const message: proto.IMessage =
    h.kind === 'audio' ? { audioMessage: withSeconds }
    : h.kind === 'video' ? { videoMessage: withSeconds }
    : h.kind === 'document' ? { documentMessage: { ...media, fileName: h.fileName ?? null } }
    : h.kind === 'image' ? { imageMessage: media }
    : { stickerMessage: media };
  return { key: { ...PLACEHOLDER_KEY }, message };
}

/** Downloads and decrypts the media, checking its size as it streams and its SHA-256 at the end. */
export async function downloadWhatsAppMedia(h: WhatsAppMediaHandle, opts: DownloadOptions = {}): Promise<Buffer> {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_BYTES;
  const tooLarge = () => new Error(`WhatsApp ${h.kind} media exceeds the limit of ${maxBytes} bytes`);
  // The announced length is only a hint from the sender, but refusing early saves a download.
  if (h.fileLength !== undefined && h.fileLength > maxBytes) throw tooLarge();
  if (h.url === undefined && h.directPath === undefined) throw new Error('WhatsApp media handle has neither url nor directPath');
  if (h.url !== undefined) {
    const host = URL.canParse(h.url) ? new URL(h.url).hostname : '';
    if (!(opts.allowHost ?? WHATSAPP_MEDIA_HOST)(host)) throw new Error(`WhatsApp media url points at "${host}", not at WhatsApp's media servers; refusing to fetch it`);
  }

  let stream: Transform;
  try {
    stream = await open(messageOf(h), opts);
  } catch (error) {
    throw new Error(`WhatsApp ${h.kind} media download failed: ${(error as Error).message}`, { cause: error });
  }
  const plain = await collect(stream, maxBytes, tooLarge, h.kind);
  // Baileys checks neither hash nor MAC, so this is the only proof we got the announced file.
  if (h.fileSha256 !== undefined && !createHash('sha256').update(plain).digest().equals(Buffer.from(h.fileSha256, 'base64'))) {
    throw new Error(`WhatsApp ${h.kind} media failed its SHA-256 check (corrupt or tampered file)`);
  }
  return plain;
}

/**
 * Reads the decrypted stream up to maxBytes. Past the limit it rejects at once but lets the stream
 * drain instead of destroying it: Baileys pipes the HTTP body into this stream with a bare
 * `pipe()`, so destroying ours would leave the body unread and unwatched, and a later connection
 * error on it would be an unhandled 'error' event that kills the process (Baileys issue #2750).
 */
function collect(stream: Transform, maxBytes: number, tooLarge: () => Error, kind: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: Error) => { settled = true; chunks = []; reject(error); };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      size += chunk.length;
      if (size > maxBytes) fail(tooLarge());
      else chunks.push(chunk);
    });
    // Stays attached after settling, so an error while draining is swallowed rather than thrown.
    stream.on('error', (error) => {
      // AES-CBC padding errors mean the ciphertext does not belong to this key.
      if (!settled) fail(new Error(`WhatsApp ${kind} media could not be decrypted (corrupt or tampered file): ${error.message}`, { cause: error }));
    });
    stream.on('end', () => { if (!settled) { settled = true; resolve(Buffer.concat(chunks)); } });
  });
}

/** The CDN's answer for media that aged out; the sender's phone can upload it again. */
const EXPIRED = new Set([404, 410]);

/**
 * Starts the download, asking for a re-upload once when the CDN says the file expired. We do this
 * ourselves instead of passing Baileys a `ctx`: Baileys 7.0.0-rc14 looks for `error.status`, but its
 * own HTTP errors are Booms carrying `output.statusCode`, so its re-upload never fires (issue #2767).
 */
async function open(message: WAMessage, opts: DownloadOptions): Promise<Transform> {
  try {
    return await downloadMediaMessage(message, 'stream', {});
  } catch (error) {
    const status = (error as { output?: { statusCode?: unknown } }).output?.statusCode;
    if (!opts.reuploadRequest || typeof status !== 'number' || !EXPIRED.has(status)) throw error;
    opts.logger?.info({ status }, 'WhatsApp media expired on the CDN; requesting a re-upload');
    const fresh = await opts.reuploadRequest(message);
    return await downloadMediaMessage({ ...fresh, key: fresh.key ?? message.key }, 'stream', {});
  }
}
