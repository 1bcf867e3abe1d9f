/**
 * Privacy scans. Respondents with phone-number-like addresses (WhatsApp JIDs and LIDs, a
 * Telegram chat id) and a try-it browser answer surveys, a voice note goes through the media
 * queues, exports are written and the read API and dashboard are read. Then every table and
 * view (but contacts, outbox and the bot's own WhatsApp login), every export file, every
 * response, the whole debug log and the Redis job data are scanned for any form of the
 * addresses: zero hits. Nobody who completed without a recontact yes keeps an address, even in
 * contacts. Then one respondent deletes everything and nothing of theirs remains.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AuthenticationState } from '@whiskeysockets/baileys';
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { Browser, completeWithRedAnswers, createUser } from '../helpers/dashboard.ts';
import { voiceNote } from '../helpers/media.ts';
import { addressForms, captureLogs, describeHits, filesUnder, scanDatabase, scanFiles, scanRedis, scanText, type Hit } from '../helpers/privacy.ts';
import { FakeSocket, waMessage } from '../helpers/whatsapp.ts';

const TG_CHAT = 5551234567;
const WA_PN = '31612345678@s.whatsapp.net';
const WA_LID = '198765432109876@lid';
const WA_PN2 = '31687654321@s.whatsapp.net';
/** Free-text answers: none contains a digit of any address. */
const TEXTS = ['Het ziekenhuis is ver weg', 'الطبيب بعيد جدا', 'Werk is zwaar maar eerlijk'];
/** Tables that hold addresses by design (where replies go) and the bot's own WhatsApp login. */
const ADDRESS_TABLES = ['contacts', 'outbox', 'whatsapp_creds', 'whatsapp_keys'];

let app: TestApp;
let fake: FakeBotApi;
let sock: FakeSocket;
let logs: string[];
let tryit: TryitClient;
/** A try-it respondent who completes the survey saying no to every recontact question. */
let tryitNo: TryitClient;
const fatal: unknown[] = [];

const needles = (): string[] => [...new Set([String(TG_CHAT), WA_PN, WA_LID, WA_PN2, tryit.token, tryitNo.token].flatMap(addressForms))];

/** Pushes an update and waits until the bot handled it and delivered the replies. */
async function telegram(push: () => { update_id: number }): Promise<Message | undefined> {
  const pushed = push();
  await fake.waitForCall((c) => c.method === 'getUpdates' && Number(c.params.offset) > pushed.update_id, { timeoutMs: 10_000 });
  await app.handler.idle();
  return fake.sentTo(TG_CHAT).findLast((m) => m.reply_markup?.inline_keyboard.length) ?? fake.sentTo(TG_CHAT).at(-1);
}
const say = (text: string) => telegram(() => fake.textUpdate(TG_CHAT, text, 'ar'));
const tap = async (data: string) => telegram(() => fake.callbackUpdate(TG_CHAT, data, fake.sentTo(TG_CHAT).at(-1)!.message_id, 'ar'));

async function whatsapp(jid: string, text: string, alt?: string): Promise<string> {
  const before = sock.sent.length;
  sock.receive(waMessage(jid, { conversation: text }, alt ? { remoteJidAlt: alt } : {}));
  await app.whatsapp!.connection.idle();
  await app.handler.idle();
  return sock.sent
    .slice(before)
    .map((s) => String(s.content.text ?? ''))
    .join('\n');
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: app.dir, LOG_LEVEL: 'debug' },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  const captured = captureLogs('debug');
  logs = captured.lines;
  let made: FakeSocket | undefined;
  app = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      WHATSAPP_ENABLED: '1',
      WHATSAPP_CHAT_GAP_MS: '0',
      WHATSAPP_PER_MINUTE: '600',
      LOG_LEVEL: 'debug',
    },
    {
      logger: captured.logger,
      telegramBotInfo: fake.botInfo,
      onFatal: (e) => fatal.push(e),
      makeWhatsAppSocket: (auth: AuthenticationState) => (made = new FakeSocket(auth)),
    },
  );
  sock = made!;
  sock.emit('connection.update', { connection: 'open' });

  // Telegram, in Arabic: a date, buttons, a low score, then a voice note for the open question.
  await say('/start');
  await tap('lang:ar');
  await tap('consent:yes');
  await say('2017');
  await tap('a:work_has_paid_work:no');
  await tap('a:housing_suitable:8');
  await tap('a:education_access:finished');
  await tap('a:health_access:2');
  const file = fake.addFile(voiceNote(3, 'privacy'), 'voice/privacy.oga');
  await telegram(() =>
    fake.messageUpdate(
      TG_CHAT,
      { voice: { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: 3, mime_type: 'audio/ogg', file_size: file.file_size } },
      'ar',
    ),
  );

  // Failure paths log too: a refused Telegram send, and a WhatsApp connection that drops mid-reply.
  fake.failNext('sendMessage', { error_code: 400, description: 'Bad Request: chat not found' });
  await say('/help');
  await app.delivery.flushAll();
  await telegram(() => fake.pushUpdate({ message: { message_id: 1, date: 'yesterday', chat: { id: TG_CHAT, type: 'private' }, text: 'x' } } as never));

  // WhatsApp: one person by phone-number JID then by LID (linked), one more by phone number; free text.
  await whatsapp(WA_PN, 'hallo');
  await whatsapp(WA_PN, '2'); // Nederlands
  await whatsapp(WA_PN, '1'); // consent
  await whatsapp(WA_LID, '2019', WA_PN);
  await whatsapp(WA_LID, '1', WA_PN);
  await whatsapp(WA_PN2, 'hi');
  await whatsapp(WA_PN2, '1'); // English
  await whatsapp(WA_PN2, '1'); // consent
  await whatsapp(WA_PN2, '2020');
  await whatsapp(WA_PN2, '1'); // paid work: yes
  await whatsapp(WA_PN2, '3'); // treated fairly: low, so "why?" follows
  await whatsapp(WA_PN2, TEXTS[2]!);
  sock.failing = true;
  await whatsapp(WA_PN2, '/help');
  sock.failing = false;
  await app.delivery.flushAll();

  // Try-it, through the whole survey.
  tryit = new TryitClient(app.url, undefined, 'en');
  const rid = app.handler.respondentIdFor('tryit', tryit.token);
  await completeWithRedAnswers(
    tryit,
    'en',
    async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed',
  );
  tryitNo = new TryitClient(app.url, undefined, 'en');
  const ridNo = app.handler.respondentIdFor('tryit', tryitNo.token);
  await completeWithRedAnswers(
    tryitNo,
    'en',
    async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', ridNo).executeTakeFirst())?.phase === 'completed',
    { recontact: 'no' },
  );

  // The voice note reaches a final status through the queues.
  await until(
    () => app.db.selectFrom('answers').select('media_status').where('media_kind', 'is not', null).execute(),
    (rows) => rows.length > 0 && rows.every((r) => r.media_status !== 'pending'),
  );
}, 120_000);

afterAll(async () => {
  await app.dispose();
  await fake.close();
});

/** Values for route parameters: the pilot, drill-down indicators the answers touch, export files. */
const PARAMS: Record<string, string[]> = {
  code: ['default'],
  pilot: ['default'],
  indicator: ['work', 'housing', 'education', 'health'],
  file: ['answers.csv', 'codebook.csv', 'wide.csv', 'wide.sps', 'datapackage.json', 'coded-quotes.csv', 'quotes.html'],
};
/** A route pattern as the URLs to open; none when it has a parameter we have no value for. */
function expand(url: string): string[] {
  const m = /:([a-z]+)/i.exec(url);
  if (!m) return [url];
  return (PARAMS[m[1]!] ?? []).flatMap((v) => expand(url.replace(m[0], v)));
}

function expectNoHits(hits: Hit[]): void {
  expect(hits, describeHits(hits)).toEqual([]);
}

describe('privacy scans', () => {
  it('the run stored what it should (the scans below have something to scan)', async () => {
    expect(fatal).toEqual([]);
    const answers = await app.db.selectFrom('answers').select(['channel', 'media_status', 'value_text']).execute();
    expect(new Set(answers.map((a) => a.channel))).toEqual(new Set(['telegram', 'whatsapp', 'tryit']));
    expect(answers.filter((a) => a.media_status === 'ready')).toHaveLength(1);
    expect(answers.some((a) => a.value_text === TEXTS[2])).toBe(true);
    // The addresses are where they belong: that is what makes the scans below meaningful.
    // The same scanner finds them there, and only there.
    const { hits } = await scanDatabase(app.db, needles());
    for (const h of hits) expect(ADDRESS_TABLES, h.where).toContain(h.where.split('[')[0]);
    for (const a of [String(TG_CHAT), WA_PN, WA_PN2, tryit.token])
      expect(
        hits.some((h) => h.where.startsWith('contacts') && h.needle === a),
        a,
      ).toBe(true);
  });

  it('contacts holds no address of a completed respondent without a recontact yes', async () => {
    // The one who said no to everything left no address anywhere, contacts and outbox included.
    expectNoHits((await scanDatabase(app.db, addressForms(tryitNo.token))).hits);
    // And in general: whoever still has an address has an open session or a recontact yes standing.
    const rows = await app.db.selectFrom('contacts').select('respondent_id').distinct().execute();
    expect(rows.length).toBeGreaterThan(0);
    for (const { respondent_id: rid } of rows) {
      const sessions = await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).execute();
      if (sessions.some((s) => !['completed', 'stopped', 'declined'].includes(s.phase))) continue;
      const decisions = await app.db
        .selectFrom('consents')
        .select(['theme', 'granted'])
        .where('respondent_id', '=', rid)
        .where('kind', '=', 'recontact')
        .orderBy('recorded_at', 'desc')
        .execute();
      const latest = new Map<string | null, number>();
      for (const d of decisions) if (!latest.has(d.theme)) latest.set(d.theme, d.granted);
      expect([...latest.values()], `completed respondent ${rid} has an address but no recontact yes`).toContain(1);
    }
  });

  it('no table or view but contacts and outbox holds an address', async () => {
    const { hits, scanned } = await scanDatabase(app.db, needles(), ADDRESS_TABLES);
    expect(Object.keys(scanned)).toEqual(
      expect.arrayContaining(['answers', 'answers_v1', 'answers_v2', 'sessions', 'respondents', 'consents', 'inbox', 'identity_links', 'audit_log']),
    );
    expectNoHits(hits);
  });

  it('no export file holds an address (CSV, JSON Lines, codebook, wide table, SPSS syntax, datapackage)', () => {
    const out = join(app.dir, 'exports');
    mkdirSync(out, { recursive: true });
    const runs = [
      cli(['export', 'default', '--format', 'csv', '--out', join(out, 'csv')]),
      cli(['export', 'default', '--format', 'jsonl', '--out', join(out, 'jsonl')]),
    ];
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
    const files = filesUnder(out);
    expect(files.map((f) => f.slice(out.length + 1))).toEqual([
      'csv/answers.csv',
      'csv/codebook.csv',
      'csv/datapackage.json',
      'csv/wide.csv',
      'csv/wide.sps',
      'jsonl/answers.jsonl',
      'jsonl/codebook.csv',
      'jsonl/datapackage.json',
      'jsonl/wide.csv',
      'jsonl/wide.sps',
    ]);
    expectNoHits([...scanFiles(files, needles(), out), ...runs.flatMap((r, i) => scanText(`export ${i} output`, r.stdout + r.stderr, needles()))]);
  }, 90_000);

  it('no read API response and no dashboard page holds an address', async () => {
    let printed = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      printed += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), 'default', 'privacy scan')).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    const token = /^(stm_\S+)$/m.exec(printed)![1]!;
    const hits: Hit[] = [];
    let bodies = 0;
    // A second pilot of the same organisation, so the comparison across pilots has something to compare.
    await app.store.pilots.ensure('second', 'Second pilot', 'default-pilot', 1, new Date().toISOString());
    for (const url of [
      '/api/v1/compare?pilots=default,second&pooled=1&outcomes=1',
      '/api/v1/pilots',
      '/api/v1/pilots/default',
      '/api/v1/pilots/default/answers',
      '/api/v1/pilots/default/answers.ndjson',
      '/api/v1/pilots/default/open-answers',
      '/api/v1/pilots/default/indicators',
      '/api/v1/pilots/default/funnel',
    ]) {
      const res = await app.server.inject({ url, headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode, url).toBe(200);
      bodies++;
      hits.push(...scanText(url, res.body, needles()));
    }
    // Every dashboard page a logged-in admin can open, with the pilot filled in.
    await createUser(app.db, 'admin@example.org', 'admin');
    const b = new Browser(app.server);
    await b.login('admin@example.org');
    const pages = app.routes.filter((r) => r.method === 'GET' && !r.url.startsWith('/api/') && !r.url.includes('*')).flatMap((r) => expand(r.url));
    pages.push('/compare?pilots=default,second&pooled=1');
    expect(pages).toEqual(
      expect.arrayContaining([
        '/pilots/default',
        '/pilots/default/indicators/health',
        '/pilots/default/exports/answers.csv',
        '/pilots/default/exports/wide.csv',
        '/pilots/default/exports/coded-quotes.csv',
        '/pilots/default/exports/quotes.html',
        '/pilots/default/codebook',
      ]),
    );
    for (const url of pages) {
      const res = await b.get(url);
      bodies++;
      hits.push(...scanText(`${url} (${res.statusCode})`, res.body, needles()));
    }
    expect(bodies).toBeGreaterThan(10);
    expectNoHits(hits);
  });

  it('no log line holds an address (the whole run at debug level)', () => {
    expect(logs.some((l) => /reply not delivered/.test(l))).toBe(true);
    expect(logs.some((l) => /malformed telegram update/.test(l))).toBe(true);
    expectNoHits(logs.flatMap((l, i) => scanText(`log line ${i}`, l, needles())));
  });

  it('no Redis key or job data holds an address', async () => {
    const { hits, keys } = await scanRedis(app.config.redis.prefix, needles());
    expect(keys).toBeGreaterThan(0);
    expectNoHits(hits);
  });
});

describe('erasure', () => {
  it('after /delete and its confirmation nothing of the respondent remains: no row, file or job', async () => {
    const rid = app.handler.respondentIdFor('telegram', String(TG_CHAT));
    const theirs = await app.db.selectFrom('answers').select(['id', 'media_file']).where('respondent_id', '=', rid).execute();
    const mediaFiles = theirs.flatMap((a) => (a.media_file ? [a.media_file] : []));
    expect(mediaFiles).toHaveLength(1);
    const mediaPaths = filesUnder(app.config.media.dir).filter((f) => mediaFiles.some((m) => f.endsWith(m)));
    expect(mediaPaths.length).toBeGreaterThan(0);

    await say('/delete');
    await tap('erase:yes');
    expect(fake.sentTo(TG_CHAT).at(-1)!.text).toMatch(/[\u0600-\u06FF]/); // "deleted", in Arabic

    const traces = [rid, ...addressForms(String(TG_CHAT)), ...theirs.map((a) => a.id)];
    const db = await scanDatabase(app.db, traces);
    expectNoHits(db.hits);
    for (const p of mediaPaths) expect(existsSync(p), p).toBe(false);
    const media = filesUnder(app.config.media.dir);
    expectNoHits(scanFiles(media, traces, app.config.media.dir));
    const redis = await scanRedis(app.config.redis.prefix, traces);
    expectNoHits(redis.hits);
    // Everyone else is still there.
    expect(await app.db.selectFrom('answers').select('id').where('channel', '=', 'whatsapp').execute()).not.toEqual([]);
  });

  it('a WhatsApp person known by phone number and LID: after /delete nothing under either address remains', async () => {
    const contact = await app.db
      .selectFrom('contacts')
      .select('respondent_id')
      .where('channel', '=', 'whatsapp')
      .where('address', 'in', [WA_PN, WA_LID])
      .execute();
    const rids = [...new Set(contact.map((c) => c.respondent_id))];
    expect(rids).toHaveLength(1);
    expect(await app.db.selectFrom('identity_links').select('alias_key').where('respondent_id', '=', rids[0]!).execute()).toHaveLength(2);
    const theirs = await app.db.selectFrom('answers').select('id').where('respondent_id', '=', rids[0]!).execute();
    expect(theirs.length).toBeGreaterThan(0);
    await whatsapp(WA_LID, '/delete', WA_PN);
    const done = await whatsapp(WA_LID, '1', WA_PN); // "yes, delete everything"
    expect(done).toMatch(/gewist/); // in Dutch, the language they chose
    const traces = [rids[0]!, ...addressForms(WA_PN), ...addressForms(WA_LID), ...theirs.map((a) => a.id)];
    expectNoHits((await scanDatabase(app.db, traces)).hits);
    expectNoHits((await scanRedis(app.config.redis.prefix, traces)).hits);
  });
});
