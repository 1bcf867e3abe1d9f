import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';

// A controllable clock for the app: reminders are planned from it and the sweep (every 200 ms
// of real time, a repeatable BullMQ job) compares due times with it.
let clock = new Date('2026-07-01T10:00:00.000Z'); // 12:00 in Amsterdam
let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({ REMINDER_DELAYS: '2s,1h', SESSION_EXPIRE_AFTER: '7d', REMINDER_SWEEP_SECONDS: '0.2' }, { now: () => clock });
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

async function session(client: TryitClient) {
  const rid = app.handler.respondentIdFor('tryit', client.token);
  return app.db
    .selectFrom('sessions')
    .select(['id', 'revision', 'reminded_count', 'reminder_due_at'])
    .where('respondent_id', '=', rid)
    .executeTakeFirstOrThrow();
}

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

const later = (ms: number) => new Date(clock.getTime() + ms);

describe('reminders through the due-time column and the sweep', () => {
  it('plans the due time with the session, fires once when due and plans the next step', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway();
    const s = await session(client);
    expect(s.reminder_due_at).toBe('2026-07-01T10:00:02.000Z');
    // Not due yet: sweeps come and go without a message.
    await new Promise((r) => setTimeout(r, 600));
    expect(app.tryit.drain(client.token)).toEqual([]);

    clock = later(2000);
    const nudge = await waitFor('the reminder', async () => app.tryit.drain(client.token)[0]);
    expect(nudge.text).toMatch(/^Hello again!/);
    // The 1 h reminder is counted from the last message (10:00:00), not from the first reminder.
    const next = await waitFor('the next step', async () => {
      const row = await session(client);
      return row.reminder_due_at === '2026-07-01T11:00:00.000Z' ? row : undefined;
    });
    expect(next.reminded_count).toBe(1);
    // Sweeps after it send nothing more until that is due.
    await new Promise((r) => setTimeout(r, 600));
    expect(app.tryit.drain(client.token)).toEqual([]);
    expect((await session(client)).reminded_count).toBe(1);
  });

  it('never plans a reminder into quiet hours', async () => {
    clock = new Date('2026-07-01T18:59:59.000Z'); // 20:59:59 in Amsterdam; +2 s is quiet
    const client = await halfway();
    // 09:00 next morning in Amsterdam is 07:00Z.
    expect((await session(client)).reminder_due_at).toBe('2026-07-02T07:00:00.000Z');
  });

  it('is replanned by an answer and cancelled by STOP', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway();
    const before = await session(client);
    clock = new Date('2026-07-01T10:00:00.500Z');
    await client.send({ button: 'a:work_has_paid_work:no' });
    const after = await session(client);
    expect(after.revision).toBeGreaterThan(before.revision);
    expect(after.reminder_due_at).toBe('2026-07-01T10:00:02.500Z');

    await client.send({ command: 'stop' });
    expect((await session(client)).reminder_due_at).toBeNull();
    clock = later(3 * 3600_000);
    await new Promise((r) => setTimeout(r, 600));
    expect(app.tryit.drain(client.token).filter((m) => /Hello again/.test(m.text ?? ''))).toEqual([]);
  });

  it('sends the second reminder, then closes the session when it expires, and plans nothing more', async () => {
    clock = new Date('2026-07-01T10:00:00.000Z');
    const client = await halfway();
    const s = await session(client);
    clock = later(2000);
    await waitFor('the first reminder', async () => app.tryit.drain(client.token)[0]);
    clock = new Date('2026-07-01T11:00:00.000Z');
    await waitFor('the second reminder', async () => app.tryit.drain(client.token)[0]);
    const planned = await waitFor('the expiry plan', async () => {
      const row = await session(client);
      return row.reminded_count === 2 && row.reminder_due_at === '2026-07-08T10:00:00.000Z' ? row : undefined;
    });
    expect(planned.revision).toBe(s.revision);
    clock = new Date('2026-07-08T10:00:00.000Z');
    const closing = await waitFor('the closing message', async () => app.tryit.drain(client.token)[0]);
    expect(closing.text).toBeTruthy();
    const closed = await app.db.selectFrom('sessions').select(['phase', 'expired_at', 'reminder_due_at']).where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(closed.expired_at).toBe('2026-07-08T10:00:00.000Z');
    expect(closed.reminder_due_at).toBeNull();
  });
});
