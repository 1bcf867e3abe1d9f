/**
 * One position sequence for every writer of the outbox: replies, a reminder and a media note
 * queued for one address within the same millisecond come out in the order they were committed.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { stepApplier } from '../../bot/conversation/apply-step.ts';
import { mediaRejectionNotifier } from '../../bot/conversation/media-notes.ts';
import { planAfterActivity, ReminderService } from '../../bot/conversation/reminders.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { ReminderRepository } from '../../storage/reminders.ts';
import type { ReminderSettings } from '../../surveys/engine/reminders.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { CaptureChannel } from '../helpers/capture.ts';

const H = 3600_000;
const SETTINGS: ReminderSettings = {
  delaysMs: [24 * H, 72 * H],
  quietStart: 21 * 60,
  quietEnd: 9 * 60,
  timeZone: 'Europe/Amsterdam',
  expireAfterMs: 7 * 24 * H,
};
// Every writer reads this one clock, so all rows share one created_at and only `position` orders them.
const NOW = new Date('2026-07-01T10:00:00.000Z');
const ADDRESS = 'chat-1';

let app: TestApp;
let channel: CaptureChannel;
let n = 0;

beforeAll(async () => {
  channel = new CaptureChannel();
  app = await startTestApp({}, { channels: [channel], now: () => NOW });
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

const say = (content: { kind: 'text'; text: string } | { kind: 'button'; data: string } | { kind: 'command'; command: string }) =>
  app.handler.handle({ channel: 'telegram', address: ADDRESS, messageId: `m${++n}`, receivedAt: NOW.toISOString(), content });

it('delivers replies, a reminder and a media note for one address in commit order', async () => {
  const locales = readLocales(join(ROOT, 'locales'));
  const renderer = new Renderer(createI18n(locales));
  const loaded = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales);
  const log = pino({ level: 'silent' });
  const reminders = new ReminderService({
    repo: new ReminderRepository(app.db, (c, a) => app.handler.suppressionKey(c, a)),
    surveys: new Map([[loaded.survey.id, { survey: loaded.survey, resolveMedia: loaded.resolveMedia }]]),
    renderer,
    settings: SETTINGS,
    delivery: app.delivery,
    applyStep: stepApplier({ renderer, outbox: app.delivery, newId: randomUUID }),
    log,
    now: () => NOW,
    newId: randomUUID,
  });
  const notify = mediaRejectionNotifier({
    store: app.store,
    renderer,
    limits: { maxBytes: 20 * 1024 * 1024, maxSeconds: 300 },
    delivery: app.delivery,
    log,
    now: () => NOW,
  });

  // The channel is down: everything stays in the outbox until it is back.
  channel.failing = true;
  await say({ kind: 'command', command: 'start' });
  await say({ kind: 'button', data: 'lang:en' });
  await say({ kind: 'button', data: 'consent:yes' });
  await say({ kind: 'text', text: '2019' });
  const replies = (await app.db.selectFrom('outbox').select('id').execute()).length;

  const respondentId = app.handler.respondentIdFor('telegram', ADDRESS);
  const session = await app.db.selectFrom('sessions').select(['id', 'revision', 'state']).where('respondent_id', '=', respondentId).executeTakeFirstOrThrow();
  const plan = planAfterActivity({ ...session, state: JSON.parse(session.state) as SessionState }, SETTINGS)!;
  expect((await reminders.run(plan.job)).outcome).toBe('sent');
  await notify(
    {
      id: 'a1',
      revision: 1,
      respondentId,
      channel: 'telegram',
      language: 'en',
      ref: { kind: 'voice', fileRef: 'f1' },
      status: 'pending',
      file: null,
      sha256: null,
      transcript: null,
      transcriptLanguage: null,
      transcriptStatus: null,
      translationStatus: null,
    },
    'too_large',
  );

  channel.failing = false;
  expect(await app.delivery.flush('telegram', ADDRESS)).toBe(replies + 2);
  const texts = channel.for(ADDRESS).map((m) => m.text);
  expect(texts.slice(0, replies).join('\n')).toContain('Do you have paid work at the moment?');
  expect(texts[replies]).toMatch(/^Hello again! You stopped halfway/);
  expect(texts[replies + 1]).toMatch(/larger than 20 MB/);
});
