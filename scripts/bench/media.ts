/**
 * Media ingest: distinct 20-second voice notes go through the real pipeline (getFile +
 * download from the fake Bot API over HTTP, validate, store by sha256, ffprobe, ffmpeg to
 * 16 kHz WAV, speech-to-text against the local fake) on the in-process workers of the bot's
 * own process — once alone, once while respondents answer a survey through the real handler.
 * Reports notes/s and the respondents' reply latency with and without media flowing.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../bot/config.ts';
import { InboundHandler } from '../../bot/conversation/handler.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { createMedia } from '../../workers/main.ts';
import { mediaSettings } from '../../bot/media-settings.ts';
import { Delivery } from '../../bot/delivery/outbox.ts';
import { mediaRejectionNotifier } from '../../bot/conversation/media-notes.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { openMigrated } from '../../storage/database.ts';
import { Pseudonymizer } from '../../storage/pseudonym.ts';
import { Store } from '../../storage/store.ts';
import { FakeBotApi } from '../dev/fake-bot-api.ts';
import { FakeStt } from '../dev/fake-stt.ts';
import { seedMediaAnswer } from '../dev/seed-media.ts';
import { longSurvey } from './long-survey.ts';
import { postgresBenchDatabase } from './databases.ts';

const ROOT = join(import.meta.dirname, '../..');
const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? NaN;
};

/** `count` distinct 20-s OGG/Opus voice notes: one encode, then remuxes with another tag (distinct sha256). */
function voiceNotes(dir: string, count: number): Buffer[] {
  const base = join(dir, 'base.ogg');
  execFileSync('ffmpeg', [
    '-nostdin',
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'sine=frequency=300:duration=20',
    '-ac',
    '1',
    '-ar',
    '48000',
    '-c:a',
    'libopus',
    '-b:a',
    '32k',
    '-application',
    'voip',
    base,
  ]);
  return Array.from({ length: count }, (_, i) => {
    const out = join(dir, `n${i}.ogg`);
    execFileSync('ffmpeg', ['-nostdin', '-v', 'error', '-y', '-i', base, '-c', 'copy', '-metadata', `title=note-${i}`, out]);
    return readFileSync(out);
  });
}

/**
 * Two runs over the same pipeline: notes alone (ingest capacity), then notes while
 * `respondents` answer at `thinkMs` intervals (a busy pilot: 50 × 1 answer per 0.5 s = 100 answers/s).
 */
export async function benchMedia(notes: number, respondents = 50, thinkMs = 500, postgresUrl?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-media-'));
  const fake = await FakeBotApi.start();
  const stt = await new FakeStt().start();
  const config = loadConfig(
    {
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      QUEUE_PREFIX: `bench${process.pid}${Date.now().toString(36)}`,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      STT_URL: stt.url,
    },
    ROOT,
  );
  const log = pino({ level: process.env.BENCH_LOG ?? 'silent' });
  const bench = postgresUrl ? await postgresBenchDatabase(postgresUrl) : null;
  const db = bench?.db ?? (await openMigrated(config));
  const store = new Store(db);
  const survey = longSurvey(80);
  await store.pilots.ensure('bench', 'bench', survey.id, survey.version, new Date().toISOString());
  const i18n = createI18n(readLocales(config.localesDir));
  const renderer = new Renderer(i18n);
  const delivery = new Delivery({ store, channels: new Map([['tryit', { name: 'tryit' as const, send: async () => undefined }]]), log });
  const settings = mediaSettings(config);
  const notify = mediaRejectionNotifier({ store, renderer, limits: settings.media, delivery, log });
  const media = await createMedia(settings, { db, notify, now: () => new Date(), log });
  const handler = new InboundHandler({
    store,
    pseudonyms: new Pseudonymizer(Buffer.alloc(32, 2)),
    i18n,
    renderer,
    surveys: new Map([[survey.id, { survey, resolveMedia: (f: string) => f }]]),
    defaultPilot: 'bench',
    delivery,
    log,
    media: media.port,
  });

  let id = 0;
  /** Respondents walk the 80-question survey, one answer per `thinkMs` each, until `stop()`; returns reply latencies in ms. */
  const chat = async (tag: string, stop: () => boolean): Promise<number[]> => {
    const latencies: number[] = [];
    await Promise.all(
      Array.from({ length: respondents }, async (_, r) => {
        const address = `${tag}-${r}`;
        const send = async (content: Parameters<InboundHandler['handle']>[0]['content']) => {
          const t = performance.now();
          await handler.handle({ channel: 'tryit', address, messageId: String(++id), receivedAt: new Date().toISOString(), content });
          return performance.now() - t;
        };
        // Spread the respondents over the first interval, as real people are.
        await new Promise((res) => setTimeout(res, (thinkMs * r) / respondents));
        await send({ kind: 'text', text: 'hi' });
        await send({ kind: 'button', data: 'lang:en' });
        await send({ kind: 'button', data: 'consent:yes' });
        for (let pos = 1; pos <= 80 && !stop(); pos++) {
          await new Promise((res) => setTimeout(res, thinkMs));
          latencies.push(await send({ kind: 'button', data: `a:q${pos}:${5 + ((r + pos) % 6)}` }));
        }
      }),
    );
    return latencies;
  };

  const files = voiceNotes(dir, notes * 2);
  let fileNo = 0;
  /** Seeds `n` fresh notes, queues them, and resolves with the seconds until all are transcribed. */
  const ingest = async (n: number) => {
    const seeded = [];
    for (let i = 0; i < n; i++, fileNo++) {
      const f = fake.addFile(files[fileNo]!, `voice/file_${fileNo}.oga`);
      seeded.push(
        await seedMediaAnswer(
          { store, respondentIdFor: (c, a) => handler.respondentIdFor(c, a) },
          { kind: 'voice', fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size, durationSeconds: 20 },
          { channel: 'telegram', address: String(100_000 + fileNo), language: 'ar' },
        ),
      );
    }
    const t0 = performance.now();
    await media.port.submit(seeded);
    for (;;) {
      const left = await db
        .selectFrom('answers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('media_ref', 'is not', null)
        .where((eb) => eb.or([eb('media_status', '=', 'pending'), eb('transcript_status', '=', 'pending')]))
        .executeTakeFirstOrThrow();
      if (Number(left.n) === 0) return (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  try {
    const alone = await ingest(notes);
    let quietDone = false;
    const quietRun = chat('quiet', () => quietDone);
    await new Promise((r) => setTimeout(r, 30 * thinkMs)); // 30 answers each with nothing else running
    quietDone = true;
    const quiet = await quietRun;
    let busyDone = false;
    const busyRun = chat('busy', () => busyDone);
    const loaded = await ingest(notes);
    busyDone = true;
    const busy = await busyRun;
    const ready = await db
      .selectFrom('answers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('transcript_status', '=', 'ready')
      .executeTakeFirstOrThrow();
    if (Number(ready.n) !== notes * 2) throw new Error(`only ${ready.n} of ${notes * 2} notes were transcribed`);
    return {
      notes,
      concurrency: config.workers.concurrency,
      respondents,
      answersPerSecond: respondents * (1000 / thinkMs),
      notesPerSecondAlone: notes / alone,
      notesPerSecondUnderLoad: notes / loaded,
      quietP50: pct(quiet, 0.5),
      quietP99: pct(quiet, 0.99),
      quietReplies: quiet.length,
      busyP50: pct(busy, 0.5),
      busyP99: pct(busy, 0.99),
      busyReplies: busy.length,
    };
  } finally {
    await media.close();
    if (bench) await bench.dispose();
    else await db.destroy();
    await fake.close();
    await stt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
