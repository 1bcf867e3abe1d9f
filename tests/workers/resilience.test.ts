/**
 * The pipeline survives what production throws at it: a worker process killed mid-job
 * (stalled-job recovery by another worker), a Redis crash (AOF keeps the queued jobs; the
 * sweeper re-queues what could not be queued while it was down), and a graceful shutdown
 * that finishes the job in hand.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { FakeStt } from '../../scripts/dev/fake-stt.ts';
import type { MediaRef } from '../../surveys/engine/types.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import { Queue } from 'bullmq';
import { ensureRedis, redisOptions, type LocalRedis } from '../../workers/redis.ts';
import { upsertEvery } from '../../workers/schedulers.ts';
import { startWorkers } from '../../workers/runtime.ts';
import { freePort } from '../helpers/net.ts';
import { ROOT, startTestApp, workerPipeline, type TestApp } from '../helpers/app.ts';
import { voiceNote } from '../helpers/media.ts';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

let chat = 9000;

async function mediaAnswer(app: TestApp, fake: FakeBotApi, tag: string) {
  const f = fake.addFile(voiceNote(2, tag), `voice/${tag}.oga`);
  const ref: MediaRef = { kind: 'voice', fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size };
  return seedMediaAnswer({ store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) }, ref, {
    channel: 'telegram',
    address: String(++chat),
    language: 'nl',
  });
}

async function until<T>(f: () => Promise<T> | T, ok: (v: T) => boolean, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const row = (app: TestApp, id: string) => app.db.selectFrom('answers').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

async function setup(env: Record<string, string> = {}) {
  const fake = await FakeBotApi.start();
  const stt = await new FakeStt().start();
  const app = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TRYIT_ENABLED: '0',
      STT_URL: stt.url,
      WORKERS_IN_PROCESS: '0',
      QUEUE_LOCK_SECONDS: '2',
      ...env,
    },
    { telegramBotInfo: fake.botInfo },
  );
  cleanups.push(
    () => fake.close(),
    () => stt.stop(),
    () => app.dispose(),
  );
  return { fake, stt, app };
}

function workerProcess(app: TestApp): ChildProcess {
  const c = app.config;
  const child = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'worker'], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATA_DIR: c.dataDir,
      DATABASE_FILE: c.databaseFile,
      QUEUE_PREFIX: c.redis.prefix,
      REDIS_URL: c.redis.url,
      LOG_LEVEL: 'warn',
      TELEGRAM_BOT_TOKEN: c.telegram!.token,
      TELEGRAM_API_ROOT: c.telegram!.apiRoot,
      STT_URL: c.stt!.url,
      QUEUE_LOCK_SECONDS: '2',
    },
  });
  cleanups.push(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  return child;
}

const exitCode = (child: ChildProcess) =>
  new Promise<number | null>((r) => (child.exitCode !== null ? r(child.exitCode) : child.once('exit', (code) => r(code))));

describe('media pipeline resilience', () => {
  it('a job whose worker was SIGKILLed mid-job is taken over by another worker after the lock expires', async () => {
    const { fake, stt, app } = await setup();
    stt.hold = true;
    const first = workerProcess(app);
    const a = await mediaAnswer(app, fake, 'stalled');
    await app.media.port.submit([a]);
    await until(
      () => stt.requests.length,
      (n) => n === 1,
    ); // worker A is inside the speech job
    first.kill('SIGKILL');
    await exitCode(first);
    stt.hold = false;
    expect((await row(app, a.id)).transcript_status).toBe('pending');

    const second = workerProcess(app);
    const done = await until(
      () => row(app, a.id),
      (r) => r.transcript_status === 'ready',
    );
    expect(done.transcript).toBe('transcript of 2.0 seconds');
    expect(stt.requests.length).toBe(2);
    second.kill('SIGTERM');
    expect(await exitCode(second)).toBe(0);
  });

  it('queued jobs survive a Redis crash (AOF); what could not be queued meanwhile is swept in afterwards', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-redis-'));
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis: LocalRedis = await ensureRedis(url, dir);
    cleanups.push(async () => {
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    const { fake, app } = await setup({ REDIS_URL: url });

    const queued = await Promise.all(['r1', 'r2', 'r3'].map((t) => mediaAnswer(app, fake, t)));
    await app.media.port.submit(queued);
    expect((await app.media.queues.media.getJobCounts('waiting')).waiting).toBe(3);
    await new Promise((r) => setTimeout(r, 1500)); // appendfsync everysec
    redis.child!.kill('SIGKILL');
    await exitCode(redis.child!);

    const lost = await mediaAnswer(app, fake, 'r4');
    await expect(app.media.port.submit([lost])).rejects.toThrow();

    redis = await ensureRedis(url, dir);
    await until(
      () => app.media.queues.media.getJobCounts('waiting').catch(() => ({ waiting: -1 })),
      (c) => c.waiting === 3,
      10_000,
    );

    const log = pino({ level: 'silent' });
    const workers = await startWorkers(
      app.media.queues,
      workerPipeline(app),
      { concurrency: 2, lockSeconds: 2, retentionDays: 90, sweepAfterMs: 0, sweepEveryMs: 300 },
      log,
    );
    cleanups.push(() => workers.close());
    for (const a of [...queued, lost]) {
      expect(
        (
          await until(
            () => row(app, a.id),
            (r) => r.transcript_status === 'ready',
          )
        ).media_status,
      ).toBe('ready');
    }
  });

  it('a repeating job is planned once Redis is back, not refused while its connection reconnects', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-redis-'));
    const port = await freePort();
    const url = `redis://127.0.0.1:${port}`;
    let redis: LocalRedis = await ensureRedis(url, dir);
    const queue = new Queue(`sched-${port}`, { connection: redisOptions(url, 'producer') });
    queue.on('error', () => {}); // the reconnect attempts while it is down
    cleanups.push(async () => {
      await queue.close();
      await redis.stop();
      rmSync(dir, { recursive: true, force: true });
    });
    await queue.waitUntilReady();
    redis.child!.kill('SIGKILL');
    await exitCode(redis.child!);
    // Planned while Redis is down (a producer keeps no offline queue: a bare upsert fails at once) …
    const planned = upsertEvery(queue, 'sweep', 60_000, { name: 'sweep' });
    await new Promise((r) => setTimeout(r, 300));
    redis = await ensureRedis(url, dir);
    // … it goes through as soon as the connection is back.
    await planned;
    expect((await queue.getJobSchedulers()).map((j) => j.key)).toEqual(['sweep']);
  });

  it('a graceful shutdown finishes the job in hand before it resolves', async () => {
    const { fake, stt, app } = await setup();
    const log = pino({ level: 'silent' });
    const workers = await startWorkers(app.media.queues, workerPipeline(app), { concurrency: 1, lockSeconds: 2, retentionDays: 90 }, log);
    stt.hold = true;
    const a = await mediaAnswer(app, fake, 'graceful');
    await app.media.port.submit([a]);
    await until(
      () => stt.requests.length,
      (n) => n === 1,
    );
    const closing = workers.close({ timeoutMs: 20_000 });
    setTimeout(() => stt.release(), 300);
    await closing;
    expect((await row(app, a.id)).transcript_status).toBe('ready');
  });
});
