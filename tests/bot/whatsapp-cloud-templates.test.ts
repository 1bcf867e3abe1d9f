/**
 * Outside the 24-hour customer-service window only approved templates may go: reminders
 * through the real reminder service and outbox, against the fake Graph API (which refuses
 * free-form messages after 24 hours, as Meta does), on one controllable clock.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stepApplier } from '../../bot/conversation/apply-step.ts';
import { planAfterActivity, ReminderService } from '../../bot/conversation/reminders.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import type { FakeGraphApi } from '../../scripts/dev/fake-graph-api.ts';
import { ReminderRepository } from '../../storage/reminders.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import type { ReminderSettings } from '../../surveys/engine/reminders.ts';
import { ROOT, type TestApp } from '../helpers/app.ts';
import { CloudRespondent, startCloudApp, textOf } from '../helpers/whatsapp-cloud.ts';

const H = 3600_000;
const SETTINGS: ReminderSettings = { delaysMs: [24 * H], quietStart: 0, quietEnd: 0, timeZone: 'Europe/Amsterdam', expireAfterMs: 7 * 24 * H };
const TEMPLATES = JSON.stringify({
  reminder: { en: { name: 'stemmen_reminder', language: 'en_US' } },
  invitation: { en: { name: 'stemmen_invite', language: 'en' } },
});

let clock = new Date('2026-07-01T10:00:00.000Z');
let app: TestApp;
let fake: FakeGraphApi;
let service: ReminderService;
const logLines: string[] = [];

beforeAll(async () => {
  const logger = pino({ level: 'info' }, { write: (s: string) => void logLines.push(s) });
  ({ app, fake } = await startCloudApp({ WHATSAPP_TEMPLATES: TEMPLATES }, { now: () => clock, fakeNow: () => clock.getTime(), logger }));
  const locales = readLocales(join(ROOT, 'locales'));
  const loaded = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales);
  const renderer = new Renderer(createI18n(locales));
  service = new ReminderService({
    repo: new ReminderRepository(app.db, (c, a) => app.handler.suppressionKey(c, a)),
    surveys: new Map([[loaded.survey.id, { survey: loaded.survey, resolveMedia: loaded.resolveMedia }]]),
    renderer,
    settings: SETTINGS,
    delivery: app.delivery,
    applyStep: stepApplier({ renderer, outbox: app.delivery, newId: randomUUID }),
    log: pino({ level: 'silent' }),
    now: () => clock,
    newId: randomUUID,
  });
}, 30_000);
afterAll(async () => {
  await app.dispose();
  await fake.stop();
});

/** A respondent who chose `lng`, consented and answered the first question now. */
async function halfway(waId: string, lng: string) {
  const r = new CloudRespondent(app, fake, waId);
  const first = await r.say('hi');
  const consent = await r.chooseLanguage(first.at(-1)!, lng);
  await r.tap(consent.at(-1)!, 'consent:yes');
  await r.say('2019');
  // The session just written: the clock moves forward between tests.
  const row = await app.db.selectFrom('sessions').select(['id', 'revision', 'state']).orderBy('updated_at', 'desc').executeTakeFirstOrThrow();
  expect((JSON.parse(row.state) as SessionState).language).toBe(lng);
  return planAfterActivity({ ...row, state: JSON.parse(row.state) as SessionState }, SETTINGS)!;
}

describe('WhatsApp Cloud API templates', () => {
  it('sends a reminder 25 hours after the last message as the configured template', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const plan = await halfway('31611111111', 'en');
    clock = new Date(clock.getTime() + 25 * H);
    const before = fake.sentTo('31611111111').length;
    expect((await service.run(plan.job)).outcome).toBe('sent');
    await app.delivery.idle();
    const sent = fake.sentTo('31611111111').slice(before);
    expect(sent.map((m) => m.body.template)).toEqual([{ name: 'stemmen_reminder', language: { code: 'en_US' } }]);
    const row = await app.db.selectFrom('cloud_messages').selectAll().where('id', '=', sent[0]!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ purpose: 'reminder', status: 'accepted' });
    expect(await app.db.selectFrom('outbox').select('id').execute()).toEqual([]);
  });

  it('sends a reminder inside the window as a normal message with its buttons', async () => {
    clock = new Date('2026-07-10T10:00:00.000Z');
    const plan = await halfway('31622222222', 'en');
    clock = new Date(clock.getTime() + 23 * H);
    const before = fake.sentTo('31622222222').length;
    expect((await service.run(plan.job)).outcome).toBe('sent');
    await app.delivery.idle();
    const sent = fake.sentTo('31622222222').slice(before);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.type).toBe('interactive');
    expect(textOf(sent[0]!)).toMatch(/^Hello again! You stopped halfway/);
  });

  it('fails a reminder without a template for its language visibly, once, naming the kind and language', async () => {
    clock = new Date('2026-07-20T10:00:00.000Z');
    const plan = await halfway('31633333333', 'nl');
    clock = new Date(clock.getTime() + 25 * H);
    const before = fake.sentTo('31633333333').length;
    logLines.length = 0;
    expect((await service.run(plan.job)).outcome).toBe('sent');
    await app.delivery.idle();
    expect(fake.sentTo('31633333333').slice(before)).toEqual([]);
    const errors = logLines.map((l) => JSON.parse(l) as { level: number; msg: string; err?: string }).filter((l) => l.level >= 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.err).toMatch(/no approved template for the reminder in language "nl"/);
    expect(errors[0]!.err).toContain('WHATSAPP_TEMPLATES');
    expect(logLines.join('\n')).not.toContain('31633333333');
    // Not retried forever: the row is gone, the funnel counts it failed.
    expect(await app.db.selectFrom('outbox').select('id').execute()).toEqual([]);
    expect(await app.whatsappCloud!.store.statusCounts('reminder')).toMatchObject({ failed: 1 });
    await app.delivery.flushAll();
    expect(fake.sentTo('31633333333').slice(before)).toEqual([]);
  });
});
