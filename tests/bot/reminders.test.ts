import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { planAfterActivity, ReminderService } from '../../bot/conversation/reminders.ts';
import type { ReminderJob } from '../../workers/reminders.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { stepApplier } from '../../bot/conversation/apply-step.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import type { ReminderSettings } from '../../surveys/engine/reminders.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import { ReminderRepository } from '../../storage/reminders.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';

const H = 3600_000;
const SETTINGS: ReminderSettings = {
  delaysMs: [24 * H, 72 * H],
  quietStart: 21 * 60,
  quietEnd: 9 * 60,
  timeZone: 'Europe/Amsterdam',
  expireAfterMs: 7 * 24 * H,
};

// The controllable clock: the app and the reminder service both read it.
let clock = new Date('2026-07-01T10:00:00.000Z'); // 12:00 in Amsterdam
let app: TestApp;
let service: ReminderService;

beforeAll(async () => {
  app = await startTestApp({}, { now: () => clock });
  const locales = readLocales(join(ROOT, 'locales'));
  const loaded = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales);
  service = new ReminderService({
    repo: new ReminderRepository(app.db, (c, a) => app.handler.suppressionKey(c, a)),
    surveys: new Map([[loaded.survey.id, { survey: loaded.survey, resolveMedia: loaded.resolveMedia }]]),
    renderer: new Renderer(createI18n(locales)),
    settings: SETTINGS,
    delivery: app.delivery,
    applyStep: stepApplier({ renderer: new Renderer(createI18n(locales)), outbox: app.delivery, newId: randomUUID }),
    log: pino({ level: 'silent' }),
    now: () => clock,
    newId: randomUUID,
  });
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

async function sessionOf(client: TryitClient) {
  const rid = app.handler.respondentIdFor('tryit', client.token);
  const row = await app.db
    .selectFrom('sessions')
    .select(['id', 'revision', 'state', 'phase', 'reminded_count', 'expired_at'])
    .where('respondent_id', '=', rid)
    .executeTakeFirstOrThrow();
  return { ...row, state: JSON.parse(row.state) as SessionState };
}

/** A respondent who consented and answered the first question, at the current clock time. */
async function halfway(lang: string): Promise<TryitClient> {
  const client = new TryitClient(app.url, undefined, lang);
  await client.send({ command: 'start' });
  await client.send({ button: `lang:${lang}` });
  await client.send({ button: 'consent:yes' });
  await client.send({ text: '2019' });
  app.tryit.drain(client.token);
  return client;
}

describe('reminders with a controllable clock', () => {
  it('fires once after 24 h, waits out quiet hours, reminds again after 72 h, then closes politely', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway('en');
    const plan = planAfterActivity(await sessionOf(client), SETTINGS)!;
    expect(plan.at.toISOString()).toBe('2026-07-02T10:00:00.000Z');

    clock = plan.at;
    const first = await service.run(plan.job);
    expect(first.outcome).toBe('sent');
    const sent = app.tryit.drain(client.token);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.text).toMatch(/^Hello again! You stopped halfway/);
    expect(sent[0]!.text).toContain('Do you have paid work at the moment?'); // where they were
    expect(sent[0]!.buttons?.flat().map((b) => b.data)).toContain('a:work_has_paid_work:yes');

    // The same job again (a retry, a duplicate after a restart) sends nothing.
    expect((await service.run(plan.job)).outcome).toBe('stale');
    expect(app.tryit.drain(client.token)).toEqual([]);
    expect((await sessionOf(client)).reminded_count).toBe(1);

    // The second reminder is due at 12:00 on 4 July; run late, at 22:30, it is deferred to 09:00.
    expect(first.next!.at.toISOString()).toBe('2026-07-04T10:00:00.000Z');
    clock = new Date('2026-07-04T20:30:00.000Z');
    const late = await service.run(first.next!.job);
    expect(late).toEqual({ outcome: 'deferred', next: { job: first.next!.job, at: new Date('2026-07-05T07:00:00.000Z') } });
    expect(app.tryit.drain(client.token)).toEqual([]);

    clock = late.next!.at;
    const second = await service.run(late.next!.job);
    expect(second.outcome).toBe('sent');
    expect(app.tryit.drain(client.token)[0]!.text).toMatch(/^One last reminder/);
    expect(second.next!.job.kind).toBe('expire');
    expect(second.next!.at.toISOString()).toBe('2026-07-08T10:00:00.000Z');

    clock = second.next!.at;
    const open = await sessionOf(client);
    const addresses = async () =>
      (await app.db.selectFrom('contacts').select('address').where('respondent_id', '=', app.handler.respondentIdFor('tryit', client.token)).execute()).map(
        (c) => c.address,
      );
    expect(await addresses()).toEqual([client.token]); // still open: reminders need it
    expect((await service.run(second.next!.job)).outcome).toBe('sent');
    expect(app.tryit.drain(client.token)[0]!.text).toMatch(/^We have closed the survey for you now/);
    const closed = await sessionOf(client);
    expect(closed).toMatchObject({ phase: 'stopped', reminded_count: 2, expired_at: '2026-07-08T10:00:00.000Z' });
    // Expiry goes through applyStep, the one writer of session state: saved once, one revision on.
    expect(closed.revision).toBe(open.revision + 1);
    expect(closed.state.phase).toBe('stopped');
    // Closed without a recontact yes: the address went with the polite message, which still arrived.
    expect(await addresses()).toEqual([]);

    // Coming back after all: START resumes where they left off.
    const back = await client.send({ command: 'start' });
    expect(back.messages.map((m) => m.text).join('\n')).toContain('Do you have paid work at the moment?');
    expect(await addresses()).toEqual([client.token]); // open again: kept again
  });

  it('is cancelled by an answer: the planned reminder becomes stale and a new one counts from the answer', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway('ar');
    const plan = planAfterActivity(await sessionOf(client), SETTINGS)!;
    clock = new Date('2026-07-01T15:00:00.000Z');
    await client.send({ button: 'a:work_has_paid_work:no' });
    app.tryit.drain(client.token);

    clock = plan.at;
    expect((await service.run(plan.job)).outcome).toBe('stale');
    expect(app.tryit.drain(client.token)).toEqual([]);
    const replanned = planAfterActivity(await sessionOf(client), SETTINGS)!;
    expect(replanned.at.toISOString()).toBe('2026-07-02T15:00:00.000Z');
    expect(replanned.job.revision).toBeGreaterThan(plan.job.revision);

    clock = replanned.at;
    expect((await service.run(replanned.job)).outcome).toBe('sent');
    const [nudge] = app.tryit.drain(client.token);
    expect(nudge!.language).toBe('ar');
    expect(nudge!.dir).toBe('rtl');
    expect(nudge!.text).toMatch(/^مرحبًا مجددًا!/);
  });

  it('is not planned after STOP or completion, nor before consent', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const stopped = await halfway('en');
    await stopped.send({ command: 'stop' });
    expect(planAfterActivity(await sessionOf(stopped), SETTINGS)).toBeNull();

    const unconsented = new TryitClient(app.url, undefined, 'en');
    await unconsented.send({ command: 'start' });
    expect(planAfterActivity(await sessionOf(unconsented), SETTINGS)).toBeNull();

    const job: ReminderJob = { sessionId: (await sessionOf(stopped)).id, revision: (await sessionOf(stopped)).revision, kind: 'remind', step: 0 };
    clock = new Date('2026-07-02T10:00:00.000Z');
    // STOP closed the session without a recontact yes, so their address is gone (and on the do-not-contact list).
    expect((await service.run(job)).outcome).toBe('no-address');
    expect(app.tryit.drain(stopped.token)).toEqual([]);
  });
});
