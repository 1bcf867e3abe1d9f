/**
 * Chaos run: virtual respondents answer a survey (scale questions, and voice notes on every
 * fifth) through the fake Telegram Bot API while every update is delivered 1–3 times, the bot
 * process is SIGKILLed and restarted repeatedly, the worker process is SIGKILLed mid-job and
 * Redis (with AOF) is killed and restarted. WhatsApp respondents (typing, a text answer on
 * every fifth) answer through a fake WhatsApp that also drops the connection for a while;
 * what they send while the bot is down or disconnected comes to it on reconnect as `append`. At the end the store must hold exactly the answers
 * given — none lost, none duplicated — and every voice note must have reached a final status.
 * Used by a small test in the suite and a larger run in `npm run bench`.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openRawSqlite } from '../../storage/raw-drivers.ts';
import { INDICATORS } from '../../surveys/indicators.ts';
import { loadOrCreateSecret, Pseudonymizer } from '../../storage/pseudonym.ts';
import { ensureRedis, type LocalRedis } from '../../workers/redis.ts';
import { FakeBotApi } from './fake-bot-api.ts';
import { FakeStt } from './fake-stt.ts';
import { WhatsAppCrowd } from './chaos-whatsapp.ts';
import { FakeWhatsApp } from './fake-whatsapp.ts';

const ROOT = join(import.meta.dirname, '../..');

export interface ChaosOptions {
  respondents: number;
  questions: number;
  botKills: number;
  workerKills: number;
  redisRestarts: number;
  voiceNote: Buffer;
  /** WhatsApp respondents (default none) and how often WhatsApp drops the connection. */
  whatsappRespondents?: number;
  whatsappRestarts?: number;
  seed?: number;
}
export interface ChaosResult {
  seed: number;
  respondents: number;
  answersGiven: number;
  answersStored: number;
  lost: number;
  duplicated: number;
  wrongValue: number;
  deliveries: number;
  botKills: number;
  workerKills: number;
  redisRestarts: number;
  mediaAnswers: number;
  mediaFinal: number;
  mediaReady: number;
  whatsappRespondents: number;
  whatsappRestarts: number;
  /** WhatsApp messages that reached the bot as `append` (sent while it was down or disconnected). */
  whatsappAppended: number;
  seconds: number;
}

const isMedia = (i: number) => i % 5 === 0;

function writeSurvey(dir: string, questions: number): { surveyFile: string; localesDir: string } {
  const localesDir = join(dir, 'locales');
  mkdirSync(join(localesDir, 'en'), { recursive: true });
  for (const ns of ['bot', 'indicators']) cpSync(join(ROOT, 'locales/en', `${ns}.json`), join(localesDir, 'en', `${ns}.json`));
  const q: Record<string, Record<string, string>> = {};
  const lines = [
    'specVersion: 2',
    'id: chaos',
    'version: 1',
    'languages: [en]',
    'defaultLanguage: en',
    'consent: { version: 1 }',
    'recontact: { afterRed: false, atEnd: false, expertpool: false }',
    'questions:',
  ];
  for (let i = 1; i <= questions; i++) {
    const ind = INDICATORS[i % INDICATORS.length]!;
    lines.push(
      isMedia(i)
        ? `  - { id: q${i}, type: text, indicator: ${ind.id}, outcome: ${ind.outcomes[0]} }`
        : `  - { id: q${i}, type: scale, indicator: ${ind.id}, outcome: ${ind.outcomes[0]}, traffic: default }`,
    );
    q[`q${i}`] = isMedia(i) ? { text: `Question ${i}: tell us more.` } : { text: `Question ${i}: how is it going?`, min: 'bad', max: 'good' };
  }
  writeFileSync(join(localesDir, 'en', 'survey-chaos.json'), JSON.stringify({ intro: 'Chaos.', consent: 'Take part?', completion: 'Done.', q }));
  const surveyFile = join(dir, 'chaos.yaml');
  writeFileSync(surveyFile, `${lines.join('\n')}\n`);
  return { surveyFile, localesDir };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** A small deterministic PRNG, so a failing run can be repeated with its seed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const exited = (p: ChildProcess) => new Promise<void>((r) => (p.exitCode !== null || p.signalCode !== null ? r() : p.once('exit', () => r())));

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const seed = o.seed ?? Date.now() % 1_000_000;
  const random = rng(seed);
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-chaos-'));
  const fake = await FakeBotApi.start();
  const stt = await new FakeStt().start();
  const redisUrl = `redis://127.0.0.1:${await freePort()}`;
  let redis: LocalRedis = await ensureRedis(redisUrl, join(dir, 'redis'));
  const { surveyFile, localesDir } = writeSurvey(dir, o.questions);
  const waCount = o.whatsappRespondents ?? 0;
  const wa = waCount > 0 ? await new FakeWhatsApp().start() : null;
  const env = {
    ...process.env,
    DATA_DIR: dir,
    PORT: '0',
    LOG_LEVEL: 'error',
    TRYIT_ENABLED: '0',
    SURVEY_FILE: surveyFile,
    LOCALES_DIR: localesDir,
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: 'chaos',
    STT_URL: stt.url,
    WORKERS_IN_PROCESS: '0',
    QUEUE_LOCK_SECONDS: '2',
    MEDIA_SWEEP_SECONDS: '3',
    ...(wa ? { WHATSAPP_ENABLED: '1', WHATSAPP_CHAT_GAP_MS: '0', WHATSAPP_PER_MINUTE: '600', WHATSAPP_FETCH_VERSION: '0', CHAOS_WHATSAPP_URL: wa.url } : {}),
  };
  let stderr = '';
  const start = (command: 'start' | 'worker') => {
    // With WhatsApp, the bot is `stemmen start` with its socket on the fake WhatsApp.
    const args = command === 'start' && wa ? [join(ROOT, 'scripts/dev/chaos-bot.mjs')] : [join(ROOT, 'scripts/stemmen.mjs'), command];
    const p = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    p.stderr!.on('data', (d) => {
      stderr = (stderr + String(d)).slice(-4000);
    });
    return p;
  };
  let bot = start('start');
  let worker = start('worker');
  const counts = { deliveries: 0, botKills: 0, workerKills: 0, redisRestarts: 0, whatsappRestarts: 0 };
  const given = new Map<string, number | string>(); // `${chat}:q${i}` → value ('voice'), `wa:${jid}:q${i}` → value
  const t0 = performance.now();
  const trace = (what: string) => {
    if (process.env.CHAOS_TRACE) process.stderr.write(`${((performance.now() - t0) / 1000).toFixed(1)}s ${what} (answers ${given.size})\n`);
  };
  try {
    await fake
      .waitForCall((c) => c.method === 'getUpdates', { timeoutMs: 60_000 })
      .catch((e: Error) => {
        throw new Error(`${e.message}\nbot stderr:\n${stderr}`);
      });
    /** Pushes an update 1–3 times (as Telegram does after a timeout or a crash). */
    const deliver = (push: () => void) => {
      const times = 1 + Math.floor(random() * 3);
      for (let k = 0; k < times; k++) {
        push();
        counts.deliveries++;
      }
    };
    const asked = (chat: number, re: RegExp) => fake.sentTo(chat).some((m) => re.test(m.text ?? ''));
    const waitFor = async (chat: number, re: RegExp) => {
      const deadline = Date.now() + 120_000;
      while (!asked(chat, re)) {
        if (Date.now() > deadline) throw new Error(`chaos: chat ${chat} never got ${re} (seed ${seed})\nprocess stderr:\n${stderr}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    const keyboard = (chat: number) => fake.sentTo(chat).findLast((m) => m.reply_markup?.inline_keyboard.length)!.message_id;
    const one = async (chat: number) => {
      deliver(() => fake.textUpdate(chat, '/start', 'en'));
      await waitFor(chat, /Take part/);
      const kb = keyboard(chat);
      deliver(() => fake.callbackUpdate(chat, 'consent:yes', kb, 'en'));
      for (let i = 1; i <= o.questions; i++) {
        await waitFor(chat, new RegExp(`Question ${i}:`));
        await new Promise((r) => setTimeout(r, 20 + random() * 150)); // a person reads and taps
        if (isMedia(i)) {
          const f = fake.addFile(Buffer.concat([o.voiceNote]), `voice/${chat}-${i}.oga`);
          const voice = { file_id: f.file_id, file_unique_id: f.file_unique_id, duration: 2, mime_type: 'audio/ogg', file_size: f.file_size };
          const update = fake.messageUpdate(chat, { voice }, 'en');
          counts.deliveries++;
          for (let k = Math.floor(random() * 3); k > 0; k--) {
            fake.pushUpdate({ message: update.message! });
            counts.deliveries++;
          }
          given.set(`${chat}:q${i}`, 'voice');
        } else {
          const value = Math.floor(random() * 11);
          const kbi = keyboard(chat);
          deliver(() => fake.callbackUpdate(chat, `a:q${i}:${value}`, kbi, 'en'));
          given.set(`${chat}:q${i}`, value);
        }
      }
      await waitFor(chat, /Done\./);
    };

    const crowd = wa
      ? new WhatsAppCrowd(wa, {
          questions: o.questions,
          isText: isMedia,
          random,
          given,
          fail: (why) => new Error(`chaos: ${why} (seed ${seed})\nprocess stderr:\n${stderr}`),
        })
      : null;

    // Faults, one at a time, spread over the run while respondents answer.
    const faults: Array<'bot' | 'worker' | 'redis' | 'whatsapp'> = [
      ...Array<'bot'>(o.botKills).fill('bot'),
      ...Array<'worker'>(o.workerKills).fill('worker'),
      ...Array<'redis'>(o.redisRestarts).fill('redis'),
      ...Array<'whatsapp'>(wa ? (o.whatsappRestarts ?? 0) : 0).fill('whatsapp'),
    ].sort(() => random() - 0.5);
    const total = (o.respondents + waCount) * o.questions;
    const chaos = (async () => {
      for (const [k, fault] of faults.entries()) {
        // Fault k strikes once k/(n+1) of all answers were given: every fault lands mid-run.
        while (given.size < ((k + 1) * total) / (faults.length + 1)) await new Promise((r) => setTimeout(r, 10));
        trace(`fault ${fault}`);
        if (fault === 'bot') {
          await crowd?.quiesce();
          bot.kill('SIGKILL');
          await exited(bot);
          counts.botKills++;
          crowd?.resume(); // WhatsApp answers now sent wait for the next bot
          bot = start('start');
        } else if (fault === 'whatsapp') {
          // WhatsApp's side: the connection drops and stays down a while; answers sent meanwhile wait.
          wa!.restart(1500);
          counts.whatsappRestarts++;
          while (!wa!.connected) await new Promise((r) => setTimeout(r, 20));
        } else if (fault === 'worker') {
          // Mid-job: hold the speech-to-text server so the worker is inside a job when it dies.
          stt.hold = true;
          await new Promise((r) => setTimeout(r, 300));
          worker.kill('SIGKILL');
          await exited(worker);
          counts.workerKills++;
          stt.release();
          worker = start('worker');
        } else {
          redis.child!.kill('SIGKILL');
          await exited(redis.child!);
          counts.redisRestarts++;
          redis = await ensureRedis(redisUrl, join(dir, 'redis'));
        }
      }
    })();
    const chats = Array.from({ length: o.respondents }, (_, i) => 900_000 + i);
    const jids = Array.from({ length: waCount }, (_, i) => `3160000${String(i).padStart(4, '0')}@s.whatsapp.net`);
    await Promise.all([...chats.map(one), ...jids.map((j) => crowd!.respondent(j))]);
    trace('all respondents done');
    await chaos;

    // Let the media pipeline settle: every voice note reaches a final status.
    const db = openRawSqlite(join(dir, 'stemmen.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const mediaAnswers = [...given.values()].filter((v) => v === 'voice').length;
      trace('waiting for media');
      const deadline = Date.now() + 180_000;
      let final = 0;
      for (;;) {
        final = (
          db
            .prepare(
              `select count(*) n from answers where media_ref is not null and media_status in ('ready','failed','rejected') and coalesce(transcript_status,'') <> 'pending'`,
            )
            .get() as { n: number }
        ).n;
        if (final >= mediaAnswers || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      // The store knows respondents only by pseudonym; derive each chat's with the run's own secret.
      const pseudonyms = new Pseudonymizer(loadOrCreateSecret(join(dir, 'pseudonym.key')));
      const rows = db.prepare('select respondent_id, question_id, value_number, value_text, media_ref, revision from answers').all() as Array<{
        respondent_id: string;
        question_id: string;
        value_number: number | null;
        value_text: string | null;
        media_ref: string | null;
        revision: number;
      }>;
      const stored = new Map(rows.map((r) => [`${r.respondent_id}:${r.question_id}`, r]));
      let lost = 0,
        wrongValue = 0,
        duplicated = 0;
      const expectedKeys = new Set<string>();
      for (const [key, value] of given) {
        const wa = key.startsWith('wa:');
        const [chat, question] = (wa ? key.slice(3) : key).split(':');
        // A WhatsApp respondent's id comes from the canonical alias key of their JID.
        const respondent = wa ? pseudonyms.respondentId('whatsapp', pseudonyms.aliasKey('whatsapp', chat!)) : pseudonyms.respondentId('telegram', chat!);
        const k = `${respondent}:${question}`;
        expectedKeys.add(k);
        const row = stored.get(k);
        if (!row) {
          lost++;
          continue;
        }
        if (value === 'voice' ? row.media_ref === null : typeof value === 'string' ? row.value_text !== value : row.value_number !== value) wrongValue++;
        // An answer processed twice would have been replaced, bumping its revision.
        if (row.revision !== 1) duplicated++;
      }
      duplicated += rows.filter((r) => !expectedKeys.has(`${r.respondent_id}:${r.question_id}`)).length;
      const ready = (db.prepare(`select count(*) n from answers where media_status = 'ready' and transcript_status = 'ready'`).get() as { n: number }).n;
      return {
        seed,
        respondents: o.respondents,
        answersGiven: given.size,
        answersStored: rows.length,
        lost,
        duplicated,
        wrongValue,
        deliveries: counts.deliveries,
        botKills: counts.botKills,
        workerKills: counts.workerKills,
        redisRestarts: counts.redisRestarts,
        mediaAnswers,
        mediaFinal: final,
        mediaReady: ready,
        whatsappRespondents: waCount,
        whatsappRestarts: counts.whatsappRestarts,
        whatsappAppended: wa?.appended ?? 0,
        seconds: (performance.now() - t0) / 1000,
      };
    } finally {
      db.close();
    }
  } finally {
    for (const p of [bot, worker]) {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGTERM');
        await exited(p);
      }
    }
    await redis.stop();
    await fake.close();
    await wa?.close();
    await stt.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
