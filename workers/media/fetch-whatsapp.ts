/**
 * WhatsApp media: download the encrypted file from WhatsApp's CDN and decrypt it ourselves.
 *
 * The file is AES-256-CBC(plaintext) followed by the first 10 bytes of
 * HMAC-SHA256(macKey, iv ‖ ciphertext); iv, cipher key and MAC key are HKDF-SHA256 expansions
 * of the message's media key with the info "WhatsApp <Audio|Video|Image|Document> Keys" (the
 * scheme Baileys' `getMediaKeys` implements). We check the encrypted hash, the MAC and the
 * plaintext hash, where Baileys' own download checks none — and its stream crashes the process
 * when a connection drops mid-download (Baileys #2750), which a worker must survive.
 * @module
 */
import { createDecipheriv, createHash, createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import { download } from './download.ts';
import { MediaRejected } from './errors.ts';
import { intoTempFile, type Fetched } from './sink.ts';
import type { WhatsAppMediaHandle } from './whatsapp-handle.ts';

const INFO: Record<WhatsAppMediaHandle['kind'], string> = {
  audio: 'WhatsApp Audio Keys',
  video: 'WhatsApp Video Keys',
  image: 'WhatsApp Image Keys',
  document: 'WhatsApp Document Keys',
  sticker: 'WhatsApp Image Keys',
};

/** WhatsApp's media servers (mmg.whatsapp.net and its regional hosts). */
export const WHATSAPP_MEDIA_HOST = (host: string): boolean => host === 'whatsapp.net' || host.endsWith('.whatsapp.net');
const DEFAULT_CDN = 'https://mmg.whatsapp.net';
const DIRECT_PATH = /^\/[A-Za-z0-9_\-./%?=&]{1,1024}$/;
const MAC_BYTES = 10;

export function mediaKeys(mediaKey: Buffer, kind: WhatsAppMediaHandle['kind']): { iv: Buffer; cipherKey: Buffer; macKey: Buffer } {
  const expanded = Buffer.from(hkdfSync('sha256', mediaKey, Buffer.alloc(0), INFO[kind], 112));
  return { iv: expanded.subarray(0, 16), cipherKey: expanded.subarray(16, 48), macKey: expanded.subarray(48, 80) };
}

export interface WhatsAppFetchOptions {
  maxBytes: number;
  tempPath: string;
  /** Hosts the handle's url may point at; default WhatsApp's media servers. Tests pass their loopback server. */
  allowHost?: (host: string) => boolean;
  timeoutMs?: number;
}

export async function fetchWhatsAppFile(h: WhatsAppMediaHandle, opts: WhatsAppFetchOptions): Promise<Fetched> {
  const what = `WhatsApp ${h.kind}`;
  // The announced length is only the sender's word, but refusing early saves a download.
  if (h.fileLength !== undefined && h.fileLength > opts.maxBytes)
    throw new MediaRejected('too_large', `${what}: announced ${h.fileLength} bytes, over the limit of ${opts.maxBytes}`);
  const allowHost = opts.allowHost ?? WHATSAPP_MEDIA_HOST;
  let url: URL;
  if (h.url !== undefined && URL.canParse(h.url) && allowHost(new URL(h.url).hostname)) url = new URL(h.url);
  else if (h.directPath !== undefined && DIRECT_PATH.test(h.directPath)) url = new URL(h.directPath, DEFAULT_CDN);
  else if (h.url !== undefined)
    throw new MediaRejected(
      'bad_source',
      `${what}: url points at "${URL.canParse(h.url) ? new URL(h.url).hostname : h.url.slice(0, 40)}", not at WhatsApp's media servers`,
    );
  else throw new MediaRejected('bad_source', `${what}: the handle has neither a usable url nor a directPath`);

  // Ciphertext + MAC: at most maxBytes of plaintext, one AES block of padding and the MAC.
  const chunks: Buffer[] = [];
  await download(
    url,
    { maxBytes: opts.maxBytes + 16 + MAC_BYTES, allowHost: (u) => allowHost(u.hostname), ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
    (c) => {
      chunks.push(Buffer.from(c));
    },
    what,
  );
  const file = Buffer.concat(chunks);
  if (file.length === 0) throw new MediaRejected('empty', `${what}: the CDN returned no bytes`);
  if (h.fileEncSha256 !== undefined && !createHash('sha256').update(file).digest().equals(Buffer.from(h.fileEncSha256, 'base64'))) {
    throw new MediaRejected('unreadable', `${what}: the encrypted file does not match its hash (corrupt or tampered)`);
  }
  if (file.length <= MAC_BYTES || (file.length - MAC_BYTES) % 16 !== 0)
    throw new MediaRejected('unreadable', `${what}: not a whole encrypted file (${file.length} bytes)`);
  const { iv, cipherKey, macKey } = mediaKeys(Buffer.from(h.mediaKey, 'base64'), h.kind);
  const ciphertext = file.subarray(0, file.length - MAC_BYTES);
  const mac = createHmac('sha256', macKey).update(iv).update(ciphertext).digest().subarray(0, MAC_BYTES);
  if (!timingSafeEqual(mac, file.subarray(file.length - MAC_BYTES)))
    throw new MediaRejected('unreadable', `${what}: MAC check failed (corrupt or tampered file)`);
  let plain: Buffer;
  try {
    const decipher = createDecipheriv('aes-256-cbc', cipherKey, iv);
    plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch (e) {
    throw new MediaRejected('unreadable', `${what}: could not be decrypted (${(e as Error).message})`);
  }
  if (plain.length > opts.maxBytes) throw new MediaRejected('too_large', `${what}: ${plain.length} bytes, over the limit of ${opts.maxBytes}`);
  if (h.fileSha256 !== undefined && !createHash('sha256').update(plain).digest().equals(Buffer.from(h.fileSha256, 'base64'))) {
    throw new MediaRejected('unreadable', `${what}: failed its SHA-256 check (corrupt or tampered file)`);
  }
  return intoTempFile(opts.tempPath, async (write) => {
    await write(plain);
  });
}
