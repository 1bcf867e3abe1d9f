/**
 * Voice answers in the dashboard: the drill-down shows the recording's player, transcript and
 * language; playback streams the stored original to a logged-in user and is audited; the
 * export carries duration and transcript.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { FakeStt } from '../../scripts/dev/fake-stt.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';
import { voiceNote } from '../helpers/media.ts';

let fake: FakeBotApi;
let stt: FakeStt;
let app: TestApp;
beforeEach(async () => {
  fake = await FakeBotApi.start();
  stt = await new FakeStt().start();
  app = await startTestApp(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, STT_URL: stt.url, MAP_MIN_RESPONDENTS: '1' },
    { telegramBotInfo: fake.botInfo },
  );
});
afterEach(async () => {
  await app.dispose();
  await fake.close();
  await stt.stop();
});

it('plays a voice answer to a logged-in researcher, shows its transcript, and logs the playback', async () => {
  const note = voiceNote(3, 'dashboard');
  const f = fake.addFile(note, 'voice/file_1.oga');
  const seeded = await seedMediaAnswer(
    { store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) },
    { kind: 'voice', fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size },
    { channel: 'telegram', address: '777', language: 'ar' },
  );
  await app.media.port.submit([seeded]);
  for (let i = 0; i < 300; i++) {
    const r = await app.db.selectFrom('answers').select('transcript_status').where('id', '=', seeded.id).executeTakeFirstOrThrow();
    if (r.transcript_status === 'ready') break;
    await new Promise((res) => setTimeout(res, 50));
  }

  const anonymous = await app.server.inject({ url: `/answers/${seeded.id}/media` });
  expect(anonymous.statusCode).toBe(303);

  await createUser(app.db, 'researcher@example.org', 'researcher');
  const browser = new Browser(app.server);
  await browser.login('researcher@example.org');
  const page = await browser.get('/pilots/default/indicators/health');
  expect(page.statusCode).toBe(200);
  expect(page.body).toContain(`<audio controls preload="none" src="/answers/${seeded.id}/media">`);
  expect(page.body).toContain('transcript of 3.0 seconds');
  expect(page.body).toMatch(/Transcript \(.?ar.?\)/);

  const media = await browser.get(`/answers/${seeded.id}/media`);
  expect(media.statusCode).toBe(200);
  expect(media.headers['content-type']).toBe('audio/ogg');
  expect(media.rawPayload.equals(note)).toBe(true);
  const audit = await app.db.selectFrom('audit_log').select(['action', 'detail']).where('action', '=', 'media.play').execute();
  expect(audit).toHaveLength(1);
  expect(JSON.parse(audit[0]!.detail)).toEqual({ answer: seeded.id, pilot: 'default' });
  expect((await browser.get('/answers/nope/media')).statusCode).toBe(404);
  expect(JSON.stringify(audit)).not.toContain('777');
});
