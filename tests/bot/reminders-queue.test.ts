import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reminderJobId } from '../../workers/reminders.ts';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';

// A controllable clock for the app: reminders are planned from it; BullMQ waits real time.
let clock = new Date('2026-07-01T10:00:00.000Z'); // 12:00 in Amsterdam
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ REMINDER_DELAYS: '2s,1h', SESSION_EXPIRE_AFTER: '7d' }, { now: () => clock });
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

async function session(client: TryitClient) {
  const rid = app.handler.respondentIdFor('tryit', client.token);
  return app.db.selectFrom('sessions').select(['id', 'revision', 'reminded_count']).where('respondent_id', '=', rid).executeTakeFirstOrThrow();
}
const job = async (sessionId: string, step: number) => app.reminders.queue.getJob(reminderJobId(sessionId, step));

async function halfway(): Promise<TryitClient> {
  const client = new TryitClient(app.url, undefined, 'en');
  await client.send({ command: 'start' });
  await client.send({ button: 'lang:en' });
  await client.send({ button: 'consent:yes' });
  await client.send({ text: '2019' });
  app.tryit.drain(client.token);
  return client;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('reminders through BullMQ and Redis', () => {
  it('plans a delayed job on activity, which fires once and plans the next step', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway();
    const s = await session(client);
    const first = await job(s.id, 0);
    expect(first?.data).toEqual({ sessionId: s.id, revision: s.revision, kind: 'remind', step: 0 });
    expect(first?.opts.delay).toBe(2000);

    const nudge = await waitFor('the reminder', async () => app.tryit.drain(client.token)[0]);
    expect(nudge.text).toMatch(/^Hello again!/);
    const second = await waitFor('the next step', () => job(s.id, 1));
    // The app's clock stands still, so the 1 h reminder is planned 1 h after the last message.
    expect(second.opts.delay).toBe(3600_000);
    // Done jobs are removed, so the same step can be planned again after new activity.
    await waitFor('the fired job to be removed', async () => ((await job(s.id, 0)) ? undefined : true));
    expect((await session(client)).reminded_count).toBe(1);
  });

  it('never plans a reminder into quiet hours', async () => {
    clock = new Date('2026-07-01T18:59:59.000Z'); // 20:59:59 in Amsterdam; +2 s is quiet
    const client = await halfway();
    const s = await session(client);
    const planned = await job(s.id, 0);
    // 09:00 next morning in Amsterdam is 07:00Z.
    expect(planned?.opts.delay).toBe(Date.parse('2026-07-02T07:00:00.000Z') - clock.getTime());
  });

  it('is cancelled by an answer and by STOP', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway();
    const before = await session(client);
    clock = new Date('2026-07-01T10:00:00.500Z');
    await client.send({ button: 'a:work_has_paid_work:no' });
    const after = await session(client);
    expect(after.revision).toBeGreaterThan(before.revision);
    expect((await job(after.id, 0))?.data.revision).toBe(after.revision);

    await client.send({ command: 'stop' });
    expect(await job(after.id, 0)).toBeUndefined();
    expect(await job(after.id, 1)).toBeUndefined();
  });
});
