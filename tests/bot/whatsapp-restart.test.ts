/**
 * Nothing lost across WhatsApp restarts and reconnects (issue 14): messages that arrived
 * while offline (Baileys' `append` upserts) are answered, what we sent can be handed back to
 * Baileys for a retry receipt until it is purged or its respondent erased, disconnects that
 * cannot heal stop with a status, read receipts wait for the commit. Through the real
 * connection class, with real Baileys protocol objects on a socket the test drives.
 */
import type { AuthenticationState, WAMessageKey } from '@whiskeysockets/baileys';
import { rmSync } from 'node:fs';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../bot/app.ts';
import type { SocketOptions } from '../../bot/channels/whatsapp/connection.ts';
import { socketConfig } from '../../bot/channels/whatsapp/runtime.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { captureLogs } from '../helpers/privacy.ts';
import { dropPrefix } from '../helpers/redis.ts';
import { closeWith, FakeSocket, text } from '../helpers/whatsapp.ts';

const PN = '31687654321@s.whatsapp.net';

let app: TestApp;
let sockets: FakeSocket[];
let logs: string[];
let faultOn: string | null;
const sock = () => sockets.at(-1)!;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(async () => {
  sockets = [];
  faultOn = null;
  const captured = captureLogs('info');
  logs = captured.lines;
  app = await startTestApp(
    { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600', INBOUND_MAX_ATTEMPTS: '2' },
    {
      logger: captured.logger,
      inboundBackoffMs: 0,
      inboundFault: (msg) => {
        if (msg.content.kind === 'text' && msg.content.text === faultOn) throw new Error('injected fault');
      },
      makeWhatsAppSocket: (auth: AuthenticationState, options: SocketOptions) => {
        const s = new FakeSocket(auth, options);
        sockets.push(s);
        return s;
      },
    },
  );
  sock().emit('connection.update', { connection: 'open' });
});
afterEach(async () => {
  await app.dispose();
});

async function settle(): Promise<void> {
  await app.whatsapp!.connection.idle();
  await app.handler.idle();
  await app.delivery.idle();
}
async function say(t: string, key?: Parameters<typeof text>[2]): Promise<void> {
  sock().receive(text(PN, t, key));
  await settle();
}
const answers = async () => (await app.db.selectFrom('answers').select(['question_id', 'value_date']).execute()).map((a) => `${a.question_id}=${a.value_date}`);
/** Up to the arrival-year question: language, consent. */
async function consented(): Promise<void> {
  await say('hi');
  await say('1'); // English
  await say('1'); // consent: yes
}

describe('messages that arrived while offline', () => {
  it('answers both new (notify) and offline (append) messages, and skips our own appended echoes', async () => {
    await consented();
    await say('2019'); // notify: arrival year
    expect(await answers()).toEqual(['arrival_year=2019']);
    const answered = await app.db.selectFrom('answers').select('id').execute();
    // Down and back: the phone-side messages sent meanwhile come as 'append' on the new socket.
    sock().emit('connection.update', closeWith(428));
    for (let waited = 0; sockets.length < 2 && waited < 5000; waited += 20) await wait(20);
    expect(sockets).toHaveLength(2);
    sock().emit('connection.update', { connection: 'open' });
    const before = sock().sent.length;
    sock().receiveOffline(text(PN, 'our own echo', { fromMe: true }), text(PN, '/delete'));
    await settle();
    // The /delete asks for confirmation: proof the offline message reached the engine.
    expect(sock().texts(PN).slice(before).join('\n')).toMatch(/delete/i);
    expect(
      sock()
        .sent.slice(before)
        .every((s) => !String(s.content.text).includes('our own echo')),
    ).toBe(true);
    sock().receiveOffline(text(PN, '1')); // yes, delete everything
    await settle();
    expect(
      await app.db
        .selectFrom('answers')
        .select('id')
        .where(
          'id',
          'in',
          answered.map((a) => a.id),
        )
        .execute(),
    ).toEqual([]);
  }, 15_000);

  it('an offline message redelivered later as new is recorded once', async () => {
    await consented();
    const m = text(PN, '2018', { id: 'OFFLINE-THEN-NOTIFY' });
    sock().receiveOffline(m);
    sock().receive(m);
    await settle();
    expect(await answers()).toEqual(['arrival_year=2018']);
  });
});

describe('read receipts', () => {
  it('marks a message read only once its answer is committed, and never a message that failed', async () => {
    await consented();
    const committedAtRead: string[][] = [];
    const s = sock();
    const read = s.readMessages.bind(s);
    s.readMessages = async (keys: WAMessageKey[]) => {
      committedAtRead.push(await answers());
      return read(keys);
    };
    faultOn = '2017';
    await say('2017', { id: 'FAILS' });
    expect(s.read.map((k) => k.id)).not.toContain('FAILS');
    faultOn = null;
    await say('2016', { id: 'WORKS' });
    expect(s.read.map((k) => k.id)).toContain('WORKS');
    expect(committedAtRead.at(-1)).toEqual(['arrival_year=2016']);
  });
});

describe('getMessage: what we sent, for retry receipts', () => {
  it('hands back the text we sent under its id, until the purge', async () => {
    await say('hi');
    const sent = sock().sent.at(-1)!;
    const id = String(sent.options?.messageId);
    const got = await sock().options!.getMessage({ remoteJid: PN, id, fromMe: true });
    expect(got?.extendedTextMessage?.text ?? got?.conversation).toBe(String(sent.content.text));
    const row = await app.db.selectFrom('sent_messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.content).not.toContain('31687654321');
    expect(Buffer.from(row.content, 'base64').toString('latin1')).not.toContain('31687654321');
    expect(await sock().options!.getMessage({ remoteJid: PN, id: 'NEVER-SENT', fromMe: true })).toBeUndefined();
    await app.store.sentMessages.purge(new Date(Date.now() + 1000).toISOString());
    expect(await sock().options!.getMessage({ remoteJid: PN, id, fromMe: true })).toBeUndefined();
  });

  it("is purged by the app's purge (at start-up and hourly) once older than three days", async () => {
    await consented(); // or the purge of the unconsented would take it after a day

    const id = String(sock().sent.at(-1)!.options?.messageId);
    const { config, dir } = app;
    await app.close();
    const kept = await createApp(config, { logger: pino({ level: 'silent' }), whatsappVersion: null, now: () => new Date(Date.now() + 2 * 86_400_000) });
    expect(await kept.store.sentMessages.get(id)).toBeDefined();
    await kept.close();
    const later = await createApp(config, { logger: pino({ level: 'silent' }), whatsappVersion: null, now: () => new Date(Date.now() + 4 * 86_400_000) });
    app = Object.assign(later, {
      dir,
      url: '',
      async dispose() {
        await later.close();
        await dropPrefix(config.redis.prefix);
        rmSync(dir, { recursive: true, force: true });
      },
    });
    expect(await later.store.sentMessages.get(id)).toBeUndefined();
  });

  it('forgets what was sent to a respondent who erased their data', async () => {
    await consented();
    const id = String(sock().sent.at(-1)!.options?.messageId);
    expect(await sock().options!.getMessage({ remoteJid: PN, id, fromMe: true })).toBeDefined();
    await say('/delete');
    await say('1'); // yes, delete everything
    expect(await sock().options!.getMessage({ remoteJid: PN, id, fromMe: true })).toBeUndefined();
  });

  it('keeps a media prompt without its thumbnail bytes', async () => {
    const channel = app.whatsapp!.channel;
    await channel.send(PN, { text: 'Listen', language: 'en', dir: 'ltr', media: { form: 'audio', file: '/tmp/prompt.ogg' } } as never, { id: 'media-row' });
    const media = sock().sent.find((s) => s.content.audio)!;
    const got = await sock().options!.getMessage({ remoteJid: PN, id: String(media.options?.messageId), fromMe: true });
    expect(got?.audioMessage?.url).toMatch(/^https:\/\/mmg\.whatsapp\.net\//);
    expect(got?.audioMessage?.mediaKey).toHaveLength(32);
    expect((got?.audioMessage as { jpegThumbnail?: Uint8Array } | undefined)?.jpegThumbnail ?? null).toBeNull();
  });

  it('configures the real socket with getMessage, no full history sync and the version it was given', () => {
    const s = sock();
    const config = socketConfig(s.auth, { ...s.options!, version: [2, 3000, 123] });
    expect(config.syncFullHistory).toBe(false);
    expect(config.getMessage).toBe(s.options!.getMessage);
    expect(config.version).toEqual([2, 3000, 123]);
    expect(socketConfig(s.auth, { ...s.options!, version: undefined })).not.toHaveProperty('version');
  });
});

describe('disconnects that reconnecting cannot heal', () => {
  for (const [code, status, advice] of [
    [405, 'client_too_old', /WHATSAPP_FETCH_VERSION/],
    [411, 'multidevice_mismatch', /Linked devices/],
    [500, 'bad_session', /Linked devices/],
  ] as const) {
    it(`${code}: stops with status ${status} and tells the operator what to do`, async () => {
      sock().emit('connection.update', closeWith(code));
      await wait(1500); // longer than the first backoff
      expect(sockets).toHaveLength(1);
      const connection = app.whatsapp!.connection;
      expect(connection.status).toBe(status);
      expect(connection.problem).toMatch(advice);
      const line = logs.map((l) => JSON.parse(l) as { level: number; msg: string; code?: number }).find((l) => l.code === code);
      expect(line?.level).toBe(50);
      expect(line?.msg).toMatch(advice);
      expect(connection.sender()).toBeNull();
    });
  }

  it('shows the status and what to do on the admin page', async () => {
    sock().emit('connection.update', closeWith(405));
    await wait(20);
    await createUser(app.db, 'admin@example.org', 'admin');
    const admin = new Browser(app.server);
    await admin.login('admin@example.org');
    const page = await admin.get('/admin/whatsapp');
    expect(page.body).toContain('client too old');
    expect(page.body).toContain('WHATSAPP_FETCH_VERSION');
  });
});
