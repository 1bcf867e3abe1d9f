/**
 * A WhatsApp voice note end to end: a real (wire-encoded) Baileys audio message whose file
 * was encrypted with Baileys' own `encryptedStream` and is served from a loopback "CDN"; the
 * answer is stored by the handler, and the in-process worker downloads, decrypts, checks,
 * probes and stores it.
 */
import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { encryptedStream, type AuthenticationState } from '@whiskeysockets/baileys';
import { afterEach, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { voiceNote } from '../helpers/media.ts';
import { FakeSocket, text, waMessage } from '../helpers/whatsapp.ts';

const PN = '31612340000@s.whatsapp.net';
let app: TestApp | undefined;
let cdn: Server | undefined;
afterEach(async () => {
  await app?.dispose();
  await new Promise((r) => (cdn ? cdn.close(r) : r(undefined)));
});

it('a WhatsApp voice note is fetched from the CDN, decrypted, verified and stored while the respondent goes on', async () => {
  const plain = voiceNote(4, 'whatsapp');
  const enc = await encryptedStream(plain, 'audio');
  const body = await readFile(enc.encFilePath);
  await rm(enc.encFilePath, { force: true });
  const hits: string[] = [];
  cdn = createServer((req, res) => {
    hits.push(req.url ?? '');
    res.writeHead(200, { 'content-length': body.length }).end(body);
  });
  await new Promise<void>((r) => cdn!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}/v/t62.7117-24/voice.enc`;

  let sock!: FakeSocket;
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600' },
    { makeWhatsAppSocket: (auth: AuthenticationState) => (sock = new FakeSocket(auth)), media: { whatsappAllowHost: (h) => h === '127.0.0.1' } },
  );
  sock.emit('connection.update', { connection: 'open' });
  const say = async (m: ReturnType<typeof text>) => {
    const before = sock.sent.length;
    sock.receive(m);
    await app!.whatsapp!.connection.idle();
    await app!.handler.idle();
    return sock.texts().slice(before).join('\n---\n');
  };
  await say(text(PN, 'hi'));
  await say(text(PN, '1')); // English
  let out = await say(text(PN, '1')); // consent
  // Answer low on every scale and "1" on every list until an open question invites a voice message.
  for (let i = 0; i < 30 && !/voice message/i.test(out.split('\n---\n').at(-1)!); i++) {
    const last = out.split('\n---\n').at(-1)!;
    out = await say(text(PN, /\b0\b.*\b10\b/s.test(last) ? '2' : /^\d+\. /m.test(last) ? '1' : '2018'));
  }
  expect(out).toMatch(/voice message/i);
  out = await say(
    waMessage(PN, {
      audioMessage: {
        url,
        mediaKey: enc.mediaKey,
        fileSha256: enc.fileSha256,
        fileEncSha256: enc.fileEncSha256,
        fileLength: enc.fileLength,
        mimetype: 'audio/ogg; codecs=opus',
        ptt: true,
        seconds: 4,
      },
    }),
  );
  expect(out).toMatch(/\?/); // the next question came at once

  const deadline = Date.now() + 15_000;
  let row;
  do {
    await new Promise((r) => setTimeout(r, 50));
    row = await app.db.selectFrom('answers_v2').selectAll().where('modality', '=', 'voice').executeTakeFirst();
  } while ((!row || row.media_status === 'pending') && Date.now() < deadline);
  expect(row).toMatchObject({ channel: 'whatsapp', media_kind: 'voice', media_status: 'ready', transcript_status: 'off' });
  expect(row!.media_duration_seconds).toBeCloseTo(4, 0);
  expect(hits).toEqual(['/v/t62.7117-24/voice.enc']);
  expect(JSON.stringify(row)).not.toContain('31612340000');
});
