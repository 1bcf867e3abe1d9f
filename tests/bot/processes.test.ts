/**
 * Several processes on one PostgreSQL database and one Redis, as in production: two real
 * `stemmen start` bot processes in Telegram webhook mode (each on its own port, as behind a
 * load balancer) and two `stemmen worker` processes.
 *
 * Each respondent's updates go alternately to one bot process, and every update is delivered
 * twice, at the same time, to both processes (Telegram redelivers when an answer is late, and a
 * load balancer may send the retry elsewhere). The next update of a respondent is sent once
 * Telegram would: after its predecessor was confirmed. Many respondents run at once. Afterwards
 * every answer is stored exactly once, in the order given, and each respondent received the
 * questions in order, each once. Media answers queued meanwhile are processed by the worker
 * processes exactly once each.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Update } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import type { Db } from '../../storage/database.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../../storage/pseudonym.ts';
import { Store } from '../../storage/store.ts';
import { submitMedia } from '../../workers/intake.ts';
import { Queues } from '../../workers/queues.ts';
import { ROOT } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { voiceNote } from '../helpers/media.ts';
import { freePort } from '../helpers/net.ts';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../helpers/redis.ts';

const SECRET = 's'.repeat(32);
const RESPONDENTS = 8;
const MEDIA_ANSWERS = 6;

let fake: FakeBotApi;
let testDb: TestDatabase;
let db: Db;
let dir: string;
let prefix: string;
const children: ChildProcess[] = [];
const bots: Array<{ port: number; child: ChildProcess }> = [];

function spawnStemmen(command: 'start' | 'worker', env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), command], {
    cwd: ROOT,
    env: {
      ...process.env,
      ...testDb.env,
      DATA_DIR: dir,
      QUEUE_PREFIX: prefix,
      REDIS_URL,
      LOG_LEVEL: 'warn',
      TRYIT_ENABLED: '0',
      WORKERS_IN_PROCESS: '0',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr!.on('data', (d) => process.stderr.write(`[${command}] ${d}`));
  children.push(child);
  return child;
}

async function startBot(): Promise<{ port: number; child: ChildProcess }> {
  const port = await freePort();
  const child = spawnStemmen('start', { PORT: String(port), TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/hook`, TELEGRAM_WEBHOOK_SECRET: SECRET });
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`stemmen start exited with ${child.exitCode}`);
    const up = await fetch(`http://127.0.0.1:${port}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { port, child };
    if (i > 300) throw new Error('stemmen start did not come up within 30 s');
    await new Promise((r) => setTimeout(r, 100));
  }
}

const exited = (p: ChildProcess) =>
  new Promise<number | null>((r) => (p.exitCode !== null || p.signalCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code))));

async function post(port: number, update: Update): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${port}/telegram/hook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
    body: JSON.stringify(update),
  });
  await res.arrayBuffer();
  return res.status;
}

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  testDb = await createTestDatabase('postgres');
  db = testDb.open();
  dir = mkdtempSync(join(tmpdir(), 'stemmen-procs-'));
  prefix = uniquePrefix();
  // One after the other: the first creates the pseudonym secret the second must share.
  bots.push(await startBot());
  bots.push(await startBot());
}, 90_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await Promise.all(children.map(exited));
  await db?.destroy();
  await testDb?.dispose();
  await fake?.close();
  await dropPrefix(prefix);
  rmSync(dir, { recursive: true, force: true });
});

/** What a respondent does after /start: language, consent, then the first three questions and question 3's follow-ups. */
const SCRIPT: Array<{ answer?: { question: string; value: string }; send: (fake: FakeBotApi, user: number, step: number) => Update }> = [
  { send: (f, u) => f.textUpdate(u, '/start', 'en') },
  { send: (f, u, s) => f.callbackUpdate(u, 'lang:en', 1000 + s, 'en') },
  { send: (f, u, s) => f.callbackUpdate(u, 'consent:yes', 1000 + s, 'en') },
  { send: (f, u) => f.textUpdate(u, '2014', 'en'), answer: { question: 'arrival_year', value: '2014' } },
  { send: (f, u, s) => f.callbackUpdate(u, 'a:work_has_paid_work:yes', 1000 + s, 'en'), answer: { question: 'work_has_paid_work', value: '["yes"]' } },
  { send: (f, u, s) => f.callbackUpdate(u, 'a:work_fair:9', 1000 + s, 'en'), answer: { question: 'work_fair', value: '9' } },
  // The scale method asks everyone why, then what one step up would look like (seed 003).
  { send: (f, u) => f.textUpdate(u, 'Fair boss.', 'en'), answer: { question: 'work_fair_why', value: 'Fair boss.' } },
  { send: (f, u) => f.textUpdate(u, 'A contract.', 'en'), answer: { question: 'work_fair_step_up', value: 'A contract.' } },
];

describe('two bot processes and two workers on one PostgreSQL database', () => {
  it('store each answer once, in order, and reply in order, with every update delivered to both processes at once', async () => {
    const users = Array.from({ length: RESPONDENTS }, (_, i) => 7000 + i);
    await Promise.all(
      users.map(async (user, u) => {
        for (const [step, s] of SCRIPT.entries()) {
          const update = s.send(fake, user, step);
          // Alternate which process gets it first, per step and per respondent.
          const first = bots[(step + u) % 2]!;
          const second = bots[(step + u + 1) % 2]!;
          const statuses = await Promise.all([post(first.port, update), post(second.port, update)]);
          expect(statuses).toEqual([200, 200]);
        }
      }),
    );

    for (const user of users) {
      // All replies were committed before the last confirmation; wait for their delivery.
      await fake.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === user && /^Question 4 of/.test(String(c.params.text)), {
        timeoutMs: 30_000,
      });
    }
    const rows = await db
      .selectFrom('answers as a')
      .innerJoin('contacts as c', 'c.respondent_id', 'a.respondent_id')
      .select(['c.address', 'a.question_id', 'a.value_number', 'a.value_choices', 'a.value_date', 'a.value_text', 'a.revision', 'a.answered_at'])
      .where('c.channel', '=', 'telegram')
      .orderBy('c.address')
      .orderBy('a.answered_at')
      .execute();
    const expected = SCRIPT.flatMap((s) => (s.answer ? [s.answer] : []));
    for (const user of users) {
      const mine = rows.filter((r) => r.address === String(user));
      expect(
        mine.map((r) => ({
          question: r.question_id,
          value: r.value_date ?? r.value_choices ?? (r.value_number === null ? r.value_text : String(r.value_number)),
        })),
      ).toEqual(expected);
      // Revision 1: no answer was applied twice (a replayed update would replace it and bump it).
      expect(mine.every((r) => r.revision === 1)).toBe(true);
      const questions = fake
        .sentTo(user)
        .map((m) => m.text ?? '')
        .filter((t) => /^Question \d+ of/m.test(t)) // Question 1 comes after "Thank you" in one message
        .map((t) => Number(/^Question (\d+)/m.exec(t)![1]));
      expect(questions).toEqual([1, 2, 3, 4]); // question 3's follow-ups carry no number of their own
    }
    // Each message once in the inbox: every update, whichever process was first.
    const inbox = await db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(inbox.n)).toBe(RESPONDENTS * SCRIPT.length);
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  }, 120_000);

  it('let separate worker processes take the media answers, each processed once', async () => {
    const workers = [spawnStemmen('worker', {}), spawnStemmen('worker', {})];
    const store = new Store(db);
    const pseudonyms = new Pseudonymizer(loadOrCreateSecret(join(dir, 'pseudonym.key')));
    const items: Array<Awaited<ReturnType<typeof seedMediaAnswer>>> = [];
    for (let i = 0; i < MEDIA_ANSWERS; i++) {
      const f = fake.addFile(voiceNote(1, `procs-${i}`), `voice/procs-${i}.oga`);
      items.push(
        await seedMediaAnswer(
          { store, respondentIdFor: (c, a) => pseudonyms.respondentId(c, a) },
          { kind: 'voice', fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size },
          { channel: 'telegram', address: String(8000 + i), language: 'nl' },
        ),
      );
    }
    // What a bot process does after committing a media answer.
    const queues = new Queues({ url: REDIS_URL, prefix });
    try {
      await submitMedia(queues, items);
      await submitMedia(queues, items); // a second submission (a retry) is the same job
      const done = await until(
        () =>
          db
            .selectFrom('answers')
            .select(['id', 'media_status', 'media_sha256', 'transcript_status'])
            .where(
              'id',
              'in',
              items.map((a) => a.id),
            )
            .execute(),
        (rs) => rs.length === MEDIA_ANSWERS && rs.every((r) => r.media_status === 'ready'),
      );
      expect(new Set(done.map((r) => r.media_sha256)).size).toBe(MEDIA_ANSWERS);
      // A job counts as completed a moment after its answer is marked ready (the worker returns, then BullMQ moves it).
      const completed = await until(
        () => queues.media.getJobCounts('completed', 'failed'),
        (c) => (c.completed ?? 0) + (c.failed ?? 0) >= MEDIA_ANSWERS,
      );
      expect(completed).toEqual({ completed: MEDIA_ANSWERS, failed: 0 });
    } finally {
      await queues.close();
    }
    for (const w of workers) w.kill('SIGTERM');
    expect(await Promise.all(workers.map(exited))).toEqual([0, 0]);
  }, 120_000);
});
