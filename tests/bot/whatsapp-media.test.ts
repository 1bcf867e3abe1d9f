/**
 * WhatsApp media handles against the real Baileys crypto: files are encrypted with Baileys'
 * `encryptedStream` (what a sending phone does), served from a loopback HTTP server, wrapped
 * in real protobuf messages round-tripped through the wire encoding, and downloaded and
 * decrypted back by the media worker's own fetcher.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encryptedStream, normalizeMessageContent, proto, type MediaType } from '@whiskeysockets/baileys';
import { afterEach, describe, expect, it } from 'vitest';
import { decodeMediaHandle, encodeMediaHandle, mediaHandleOf, type WhatsAppMediaHandle } from '../../bot/channels/whatsapp/media.ts';
import { fetchWhatsAppFile, mediaKeys } from '../../workers/media/fetch-whatsapp.ts';
import { getMediaKeys } from '@whiskeysockets/baileys';

const SENDER = '31612345678@s.whatsapp.net';
const scratch = mkdtempSync(join(tmpdir(), 'stemmen-wa-media-'));
let n = 0;

/** The worker's fetch into a temp file, read back as bytes. */
async function downloadWhatsAppMedia(h: WhatsAppMediaHandle, opts: { allowHost?: (host: string) => boolean; maxBytes?: number } = {}): Promise<Buffer> {
  const tempPath = join(scratch, String(n++));
  tempFiles.push(tempPath);
  const fetched = await fetchWhatsAppFile(h, {
    maxBytes: opts.maxBytes ?? 64 * 1024 * 1024,
    tempPath,
    ...(opts.allowHost ? { allowHost: opts.allowHost } : {}),
  });
  const bytes = await readFile(tempPath);
  expect(fetched.bytes).toBe(bytes.length);
  return bytes;
}
/** The test's media server runs on loopback; production allows only WhatsApp's hosts. */
const LOCAL = { allowHost: (host: string) => host === '127.0.0.1' };
const servers: Server[] = [];
const tempFiles: string[] = [];

afterEach(async () => {
  // close() waits for in-flight responses (and drops idle keep-alive sockets), so nothing is cut mid-body.
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
  await Promise.all(tempFiles.splice(0).map((f) => rm(f, { force: true })));
});

/** Loopback file host; `routes` maps a path to the bytes served there (anything else is a 404). */
async function host(routes: Record<string, Buffer>) {
  const hits: string[] = [];
  const server = createServer((req, res) => {
    hits.push(req.url ?? '');
    const body = routes[req.url ?? ''];
    if (body === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { base, hits };
}

/** Encrypts like a sending phone does and hosts the result; returns the proto media fields. */
async function upload(plain: Buffer, type: MediaType, serve: (enc: Buffer) => Buffer = (enc) => enc) {
  const enc = await encryptedStream(plain, type);
  tempFiles.push(enc.encFilePath);
  const { base, hits } = await host({ '/m': serve(await readFile(enc.encFilePath)) });
  const fields = {
    url: `${base}/m`,
    mediaKey: enc.mediaKey,
    fileSha256: enc.fileSha256,
    fileEncSha256: enc.fileEncSha256,
    fileLength: enc.fileLength,
  };
  return { fields, hits, base };
}

/** A message as it arrives from the wire: built, protobuf-encoded and decoded again. */
function received(message: proto.IMessage): proto.IWebMessageInfo {
  const info = proto.WebMessageInfo.create({ key: { remoteJid: SENDER, id: 'ABC', fromMe: false }, message });
  return proto.WebMessageInfo.decode(proto.WebMessageInfo.encode(info).finish());
}

/** mediaHandleOf on the normalised content, then through a JSON string as the database holds it. */
function storedHandle(info: proto.IWebMessageInfo) {
  const found = mediaHandleOf(normalizeMessageContent(info.message));
  if (!found) throw new Error('no media handle');
  const json = encodeMediaHandle(found.handle);
  return { ...found, json, handle: decodeMediaHandle(json) };
}

const ogg = () => Buffer.concat([Buffer.from('OggS'), randomBytes(20_000)]);

describe('WhatsApp media handles', () => {
  it('downloads a voice note byte-exactly from a handle that went through the database', async () => {
    const plain = ogg();
    const { fields } = await upload(plain, 'audio');
    const info = received({
      audioMessage: { ...fields, mimetype: 'audio/ogg; codecs=opus', ptt: true, seconds: 3 },
    });
    const { handle, messageType, json } = storedHandle(info);

    expect(messageType).toBe('audioMessage');
    expect(handle).toMatchObject({ kind: 'audio', mimetype: 'audio/ogg; codecs=opus', seconds: 3, fileLength: plain.length });
    expect(json).toBe(JSON.stringify(JSON.parse(json))); // compact
    const data = await downloadWhatsAppMedia(handle, LOCAL);
    expect(data.equals(plain)).toBe(true);
  });

  it('handles round-video notes (ptvMessage) with video keys', async () => {
    const plain = Buffer.concat([Buffer.from('\0\0\0\x18ftypmp42'), randomBytes(30_000)]);
    const { fields } = await upload(plain, 'ptv');
    const { handle, messageType } = storedHandle(received({ ptvMessage: { ...fields, mimetype: 'video/mp4', seconds: 5 } }));

    expect(messageType).toBe('ptvMessage');
    expect(handle).toMatchObject({ kind: 'video', seconds: 5, mimetype: 'video/mp4' });
    expect((await downloadWhatsAppMedia(handle, LOCAL)).equals(plain)).toBe(true);
  });

  it('handles images', async () => {
    const plain = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(12_000)]);
    const { fields } = await upload(plain, 'image');
    const { handle, messageType } = storedHandle(received({ imageMessage: { ...fields, mimetype: 'image/jpeg' } }));

    expect(messageType).toBe('imageMessage');
    expect(handle.kind).toBe('image');
    expect(handle).not.toHaveProperty('seconds');
    expect((await downloadWhatsAppMedia(handle, LOCAL)).equals(plain)).toBe(true);
  });

  it('handles documents wrapped in documentWithCaptionMessage', async () => {
    const plain = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(8_000)]);
    const { fields } = await upload(plain, 'document');
    const info = received({
      documentWithCaptionMessage: {
        message: { documentMessage: { ...fields, mimetype: 'application/pdf', fileName: 'brief.pdf', caption: 'mijn brief' } },
      },
    });
    const { handle, messageType } = storedHandle(info);

    expect(messageType).toBe('documentMessage');
    expect(handle).toMatchObject({ kind: 'document', fileName: 'brief.pdf', mimetype: 'application/pdf' });
    expect((await downloadWhatsAppMedia(handle, LOCAL)).equals(plain)).toBe(true);
  });

  it('handles view-once media', async () => {
    const plain = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(5_000)]);
    const { fields } = await upload(plain, 'image');
    const { handle } = storedHandle(received({ viewOnceMessageV2: { message: { imageMessage: { ...fields, viewOnce: true } } } }));

    expect(handle.kind).toBe('image');
    expect((await downloadWhatsAppMedia(handle, LOCAL)).equals(plain)).toBe(true);
  });

  it('returns null for messages without downloadable media', async () => {
    const { fields } = await upload(randomBytes(100), 'audio');
    const { mediaKey: _key, ...keyless } = fields;
    for (const message of [
      { conversation: 'hallo' },
      { extendedTextMessage: { text: 'hallo' } },
      { audioMessage: keyless },
      { stickerMessage: fields }, // not an answer the engine can take
    ] satisfies proto.IMessage[]) {
      expect(mediaHandleOf(normalizeMessageContent(received(message).message))).toBeNull();
    }
    expect(mediaHandleOf(undefined)).toBeNull();
  });

  it('keeps no JID or phone number in the handle; expired media is rejected as gone, not retried', async () => {
    const plain = ogg();
    const { fields, base, hits } = await upload(plain, 'audio');
    const { json, handle } = storedHandle(received({ audioMessage: { ...fields, url: `${base}/expired`, ptt: true } }));
    expect(json).not.toContain('31612345678');
    expect(json).not.toContain('@');
    // A re-upload would need the chat's real key, which the handle deliberately lacks.
    await expect(downloadWhatsAppMedia(handle, LOCAL)).rejects.toMatchObject({ reason: 'gone' });
    expect(hits).toEqual(['/expired']);
  });

  it('derives the same media keys as Baileys', async () => {
    const key = randomBytes(32);
    for (const [type, kind] of [
      ['audio', 'audio'],
      ['ptv', 'video'],
      ['image', 'image'],
      ['document', 'document'],
    ] as const) {
      const theirs = await getMediaKeys(key, type);
      const ours = mediaKeys(key, kind);
      expect(Buffer.from(ours.cipherKey).equals(Buffer.from(theirs.cipherKey)), type).toBe(true);
      expect(Buffer.from(ours.iv).equals(Buffer.from(theirs.iv)), type).toBe(true);
      expect(Buffer.from(ours.macKey).equals(Buffer.from(theirs.macKey!)), type).toBe(true);
    }
  });

  it('rejects a tampered file', async () => {
    const plain = ogg();
    // One flipped ciphertext byte garbles two blocks but keeps the padding valid: only the hash catches it.
    const flipped = await upload(plain, 'audio', (enc) => {
      const copy = Buffer.from(enc);
      copy[1000] = (copy[1000] ?? 0) ^ 0xff;
      return copy;
    });
    const { handle } = storedHandle(received({ audioMessage: flipped.fields }));
    await expect(downloadWhatsAppMedia(handle, LOCAL)).rejects.toThrow(/does not match its hash/);
    // Without the encrypted hash, the MAC catches it.
    const { fileEncSha256: _h, ...unhashed } = handle;
    await expect(downloadWhatsAppMedia(unhashed, LOCAL)).rejects.toThrow(/MAC check failed/);

    // Entirely foreign bytes usually fail AES padding already; either way it must reject clearly.
    const foreign = await upload(plain, 'audio', (enc) => randomBytes(enc.length));
    const other = storedHandle(received({ audioMessage: foreign.fields })).handle;
    await expect(downloadWhatsAppMedia(other, LOCAL)).rejects.toThrow(/tampered/);
  });

  it('rejects media over maxBytes, announced or not', async () => {
    const plain = ogg();
    const { fields, hits } = await upload(plain, 'audio');
    const { handle } = storedHandle(received({ audioMessage: fields }));

    // Announced too large: refused before any request.
    await expect(downloadWhatsAppMedia(handle, { ...LOCAL, maxBytes: 10_000 })).rejects.toThrow(/over the limit of 10000/);
    expect(hits).toEqual([]);

    // Under-announced by the sender: caught while streaming.
    const lying: WhatsAppMediaHandle = { ...handle, fileLength: 100 };
    await expect(downloadWhatsAppMedia(lying, { ...LOCAL, maxBytes: 10_000 })).rejects.toThrow(/over the limit/);
    expect(hits).toEqual(['/m']);
    await expect(downloadWhatsAppMedia(handle, { ...LOCAL, maxBytes: plain.length })).resolves.toHaveLength(plain.length);
  });

  it('reports an unreachable server as a transient download failure', async () => {
    const { fields } = await upload(ogg(), 'audio');
    const { handle } = storedHandle(received({ audioMessage: { ...fields, url: 'http://127.0.0.1:1/m' } }));
    await expect(downloadWhatsAppMedia(handle, LOCAL)).rejects.toMatchObject({ name: 'DownloadError' });
  });

  it('throws a clear error for malformed handle strings', () => {
    const key = randomBytes(32).toString('base64');
    for (const bad of [
      'not json',
      '[]',
      'null',
      '{"kind":"audio"}',
      `{"kind":"voice","mediaKey":"${key}"}`,
      '{"kind":"audio","mediaKey":"c2hvcnQ="}',
      `{"kind":"audio","mediaKey":"${key}","fileLength":"12"}`,
      `{"kind":"audio","mediaKey":"${key}","fileSha256":"not base64!"}`,
      `{"kind":"audio","mediaKey":"${key}","remoteJid":"${SENDER}"}`,
    ]) {
      expect(() => decodeMediaHandle(bad), bad).toThrow(/^Malformed WhatsApp media handle: /);
    }
    expect(decodeMediaHandle(`{"kind":"audio","mediaKey":"${key}","url":"http://x/y"}`)).toEqual({
      kind: 'audio',
      mediaKey: key,
      url: 'http://x/y',
    });
  });
});

describe('media url check', () => {
  it('refuses a url that does not point at WhatsApp media servers', async () => {
    const handle = { kind: 'audio' as const, mediaKey: Buffer.alloc(32, 1).toString('base64'), url: 'http://169.254.169.254/latest/meta-data' };
    await expect(downloadWhatsAppMedia(handle)).rejects.toThrow(/points at "169.254.169.254", not at WhatsApp's media servers/);
  });
});
