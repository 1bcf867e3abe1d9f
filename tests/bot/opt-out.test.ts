import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { Reports } from '../../storage/reports.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { completeWithRedAnswers } from '../helpers/dashboard.ts';
import { FakeSocket, text } from '../helpers/whatsapp.ts';

const optedOut = (lng: string) => (JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'bot.json'), 'utf8')) as { stop: { opted_out: string } }).stop.opted_out;

let app: TestApp | undefined;
let fake: FakeBotApi | undefined;
let testDb: TestDatabase | undefined;
afterEach(async () => {
  await app?.dispose();
  await fake?.close();
  await testDb?.dispose();
  app = fake = testDb = undefined;
});

const suppressions = () => app!.db.selectFrom('suppressions').selectAll().execute();

describe('STOP as a first message', () => {
  it('WhatsApp: is recorded on the do-not-contact list and honoured by a later `pilot invite` of another pilot; a new link lifts it', async () => {
    const sockets: FakeSocket[] = [];
    app = await startTestApp(
      { WHATSAPP_ENABLED: '1', TRYIT_ENABLED: '0', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600' },
      {
        makeWhatsAppSocket: (auth) => {
          const s = new FakeSocket(auth);
          sockets.push(s);
          return s;
        },
      },
    );
    const sock = sockets.at(-1)!;
    sock.emit('connection.update', { connection: 'open' });
    const settle = async () => {
      await app!.whatsapp!.connection.idle();
      await app!.handler.idle();
    };
    const PN = '31612340001@s.whatsapp.net';
    sock.receive(text('198765432100001@lid', 'Unsubscribe', { remoteJidAlt: PN }));
    await settle();
    const reply = String(sock.sent.at(-1)?.content.text ?? '');
    expect([optedOut('nl'), optedOut('en')]).toContain(reply);
    expect(await app.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    const rows = await suppressions();
    // Both addresses of the person (LID and phone number), as keyed hashes only.
    expect(rows.map((r) => [r.channel, r.source, r.lifted_at])).toEqual([
      ['whatsapp', 'stop-first-message', null],
      ['whatsapp', 'stop-first-message', null],
    ]);
    expect(JSON.stringify(rows)).not.toMatch(/31612340001|198765432100001/);

    await new PilotRepository(app.db).create(
      {
        code: 'other',
        name: 'Other',
        surveyId: 'default-pilot',
        surveyVersion: 1,
        surveyFile: join(ROOT, 'surveys/definitions/default-pilot.yaml'),
        channels: ['whatsapp'],
      },
      new Date().toISOString(),
    );
    const list = join(app.dir, 'list.csv');
    writeFileSync(list, 'phone,consent,language\n+31612340001,yes,nl\n+31612340002,yes,nl\n');
    const sentBefore = sock.sent.length;
    const r = await stemmen(['pilot', 'invite', 'other', '--contacts', list, '--window', '1s'], {
      DATA_DIR: app.dir,
      QUEUE_PREFIX: app.config.redis.prefix,
      LOG_LEVEL: 'silent',
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^refused .*list\.csv:2: asked not to be contacted \(do-not-contact list\)$/m);
    expect(r.stdout).toContain('1 new invitation(s) over 1s; 0 already invited before (not again); 1 refused (1 on the do-not-contact list)');
    await settle();
    expect(sock.sent.slice(sentBefore).map((s) => s.jid)).toEqual(['31612340002@s.whatsapp.net']);

    // Joining by the pilot's link is coming back: the opt-out is lifted for this person only, and recorded.
    sock.receive(text(PN, 'START other'));
    await settle();
    expect((await suppressions()).filter((s) => s.lifted_at === null)).toHaveLength(1);
    expect((await suppressions()).filter((s) => s.lift_source === 'new-link')).toHaveLength(1);
  }, 60_000);

  it('Telegram: /stop from a new chat is recorded and answered calmly in the app language, without a session', async () => {
    fake = await FakeBotApi.start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' }, { telegramBotInfo: fake.botInfo });
    fake.textUpdate(4242, '/stop', 'ar');
    const deadline = Date.now() + 8000;
    while (fake.sentTo(4242).length === 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(fake.sentTo(4242).map((m) => m.text)).toEqual([optedOut('ar')]);
    expect(await app.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
    expect((await suppressions()).map((s) => [s.channel, s.source])).toEqual([['telegram', 'stop-first-message']]);
    const stats = await new PilotRepository(app.db).funnel(app.config.defaultPilot);
    expect(stats.map((s) => [s.language, s.channel, s.started, s.stopped])).toEqual([['ar', 'telegram', 0, 1]]);
  }, 30_000);
});

describe.each(STORE_KINDS)('funnel on %s', (kind) => {
  it('counts 5 starters (3 declines, 1 STOP, 1 completion) after the 24 h purge', async () => {
    testDb = await createTestDatabase(kind);
    app = await startTestApp(testDb.env);
    const pilot = app.config.defaultPilot;
    for (let i = 0; i < 3; i++) {
      const c = new TryitClient(app.url);
      await c.send({ text: 'hallo' });
      await c.send({ button: 'lang:en' });
      await c.send({ button: 'consent:no' });
    }
    const stopper = new TryitClient(app.url);
    await stopper.send({ text: 'hallo' });
    await stopper.send({ button: 'lang:en' });
    await stopper.send({ text: 'STOP' });
    const done = new TryitClient(app.url);
    const rid = app.handler.respondentIdFor('tryit', done.token);
    await completeWithRedAnswers(
      done,
      'en',
      async () => (await app!.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed',
    );
    await app.store.purgeUnconsented(new Date(Date.now() + 25 * 3600_000).toISOString());
    expect(await app.db.selectFrom('sessions').select('respondent_id').execute()).toEqual([{ respondent_id: rid }]);

    const rows = await new Reports(app.db).funnel(pilot);
    expect(rows).toEqual([
      {
        language: 'en',
        channel: 'tryit',
        started: 5,
        consented: 1,
        declined: 3,
        stopped: 1,
        completed: 1,
        reminded: 0,
        completedAfterReminder: 0,
        unreachable: 0,
      },
    ]);
    const [statsRow] = await new PilotRepository(app.db).funnel(pilot);
    expect(statsRow).toMatchObject({ language: 'en', started: 5, consented: 1, declined: 3, stopped: 1, completed: 1 });
    // The pilot commands open the SQLite file only (PostgreSQL there is not part of this change).
    if (kind === 'sqlite') {
      const stats = await stemmen(['pilot', 'stats', pilot, '--json'], { DATA_DIR: app.dir, LOG_LEVEL: 'silent', ...testDb.env });
      expect((JSON.parse(stats.stdout) as { total: Record<string, number> }).total).toMatchObject({
        started: 5,
        consented: 1,
        declined: 3,
        stopped: 1,
        completed: 1,
      });
    }
  }, 60_000);
});
