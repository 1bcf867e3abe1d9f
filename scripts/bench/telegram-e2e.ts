/**
 * End-to-end Telegram figure: N virtual respondents answer a 30-question survey through
 * the fake Bot API over HTTP, against the real `stemmen start` in its own process. Outbound
 * pacing is off (the fake has no rate limit): this measures the bot's own capacity; the
 * real Bot API caps a bot at about 30 messages a second (see the outbound figures).
 *
 * Latency is measured from the moment an update is available to the bot (pushed to the
 * fake's getUpdates queue) to the moment the fake receives the next question for that chat.
 * RSS is the bot process's resident memory, sampled every 100 ms. CPU per answer is the bot
 * process's user+system time (/proc/<pid>/stat) over the run divided by the answers; Redis's
 * is the delta of `INFO cpu` (used_cpu_user + used_cpu_sys) of a private redis-server the
 * run starts, so nothing else on the machine counts. `apiDelayMs` adds a round trip to every
 * Bot API call; `cpuProfDir` runs the bot under `node --cpu-prof` (see profile.ts).
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INDICATORS } from '../../surveys/indicators.ts';
import { FakeBotApi } from '../dev/fake-bot-api.ts';

const ROOT = join(import.meta.dirname, '../..');

/** Writes a 30-question scale survey with its English texts into `dir`; returns the survey path. */
function writeSurvey(dir: string, questions: number): { surveyFile: string; localesDir: string } {
  const localesDir = join(dir, 'locales');
  mkdirSync(join(localesDir, 'en'), { recursive: true });
  for (const ns of ['bot', 'indicators']) cpSync(join(ROOT, 'locales/en', `${ns}.json`), join(localesDir, 'en', `${ns}.json`));
  const q: Record<string, { text: string; min: string; max: string }> = {};
  const lines = [
    'specVersion: 2',
    'id: bench-telegram',
    'version: 1',
    'languages: [en]',
    'defaultLanguage: en',
    'consent: { version: 1 }',
    'recontact: { afterRed: false, atEnd: false, expertpool: false }',
    'secondsPerQuestion: 10',
    'questions:',
  ];
  for (let i = 1; i <= questions; i++) {
    const ind = INDICATORS[i % INDICATORS.length]!;
    lines.push(`  - { id: q${i}, type: scale, indicator: ${ind.id}, outcome: ${ind.outcomes[0]}, traffic: default }`);
    q[`q${i}`] = { text: `Question ${i}: how is it going?`, min: 'bad', max: 'good' };
  }
  writeFileSync(join(localesDir, 'en', 'survey-bench-telegram.json'), JSON.stringify({ intro: 'Bench.', consent: 'Take part?', completion: 'Done.', q }));
  const surveyFile = join(dir, 'bench.yaml');
  writeFileSync(surveyFile, `${lines.join('\n')}\n`);
  return { surveyFile, localesDir };
}

function rssMb(pid: number): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** User and system CPU seconds a process has used so far (Linux /proc). */
function cpuSeconds(pid: number): { user: number; system: number } {
  try {
    // Fields after the ")" of the command name: utime and stime are the 12th and 13th.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { user: Number(f[11]) / 100, system: Number(f[12]) / 100 }; // USER_HZ is 100 on Linux
  } catch {
    return { user: 0, system: 0 };
  }
}

/** CPU milliseconds per thread id of a process (the main thread's id is the pid; the others are V8's GC and compiler helpers, libuv's pool). */
function threadsCpu(pid: number): Record<string, number> {
  const by: Record<string, number> = {};
  try {
    for (const t of readdirSync(`/proc/${pid}/task`)) {
      const f = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8').split(') ')[1]!.split(' ');
      by[t] = (Number(f[11]) + Number(f[12])) * 10;
    }
  } catch {
    // The process ended; nothing to read.
  }
  return by;
}
async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** One inline command to a Redis server over plain TCP; resolves with the reply text (the bench only needs INFO and PING). */
function redisCommand(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    socket.once('error', reject);
    socket.on('data', (d) => {
      reply += d.toString('utf8');
      // A bulk reply ($<len>) is complete when its body arrived; a simple one (+PONG) at its first line end.
      const bulk = /^\$(\d+)\r\n/.exec(reply);
      if ((bulk && Buffer.byteLength(reply) >= bulk[0].length + Number(bulk[1]) + 2) || (!bulk && reply.endsWith('\r\n'))) {
        socket.end();
        resolve(reply);
      }
    });
    socket.once('connect', () => socket.write(`${command}\r\n`));
  });
}

/** A redis-server of this run's own, without persistence, so its INFO cpu is only ours. */
async function privateRedis(): Promise<{ url: string; cpu(): Promise<number>; stop(): Promise<void> }> {
  const port = await freePort();
  const proc: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  for (let i = 0; ; i++) {
    try {
      if ((await redisCommand(port, 'PING')).startsWith('+PONG')) break;
    } catch (e) {
      if (i > 100) throw new Error(`the bench's redis-server on port ${port} did not start: ${(e as Error).message}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `redis://127.0.0.1:${port}`,
    async cpu() {
      const info = await redisCommand(port, 'INFO cpu');
      const v = (k: string) => Number(new RegExp(`^${k}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
      return v('used_cpu_user') + v('used_cpu_sys');
    },
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

export interface TelegramOptions {
  /** Added before the fake answers each Bot API call (a real round trip is about 20 ms). */
  apiDelayMs?: number;
  /** Respondents who complete the survey before the measured ones start (not counted); default none. */
  warmupRespondents?: number;
  /** Flags for node before the script (e.g. `--max-semi-space-size=32`). */
  nodeFlags?: string[];
  /** The script (and its arguments) node runs instead of `stemmen start`, e.g. the wire floor (wire-floor.mjs). */
  command?: string[];
  /** Run the bot under `node --cpu-prof`, writing its .cpuprofile here. */
  cpuProfDir?: string;
}

export interface TelegramFigures {
  respondents: number;
  questions: number;
  apiDelayMs: number;
  /** Bot process CPU (user+system) over the run, per answer. */
  botCpuMsPerAnswer: number;
  /** The kernel's part of it (system time: fsync, sockets). */
  botSystemMsPerAnswer: number;
  /** The main thread's part (the rest is V8's GC and JIT helper threads and libuv's pool). */
  botMainThreadMsPerAnswer: number;
  /** When the measured part began, in ms after the bot was started (after its start-up and any warm-up). */
  measuredAfterMs: number;
  /** Redis server CPU (INFO cpu) over the run, per answer. */
  redisCpuMsPerAnswer: number;
  answers: number;
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  rateLimited: number;
  /** Messages sent or edited per respondent input (/start, consent, answers). */
  messagesPerInput: number;
}

export async function benchTelegram(respondents: number, questions = 30, databaseUrl?: string, opts: TelegramOptions = {}): Promise<TelegramFigures> {
  const fake = await FakeBotApi.start();
  fake.delayMs = opts.apiDelayMs ?? 0;
  const redis = await privateRedis();
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-tg-'));
  const { surveyFile, localesDir } = writeSurvey(dir, questions);
  const prof = opts.cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', opts.cpuProfDir] : [];
  const spawnedAt = performance.now();
  const bot = spawn(process.execPath, [...prof, ...(opts.nodeFlags ?? []), ...(opts.command ?? [join(ROOT, 'scripts/stemmen.mjs'), 'start'])], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      QUEUE_PREFIX: `t${process.pid}${Date.now().toString(36)}`,
      REDIS_URL: redis.url,
      PORT: '0',
      LOG_LEVEL: 'error',
      TRYIT_ENABLED: '0',
      SURVEY_FILE: surveyFile,
      LOCALES_DIR: localesDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_SENDS_PER_SECOND: '0',
      // For a stand-in bot (opts.command, e.g. wire-floor.mjs): where the survey ends.
      BENCH_QUESTIONS: String(questions),
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(bot.pid!));
  }, 100);
  try {
    // Replies arrive as sendMessage calls; resolve the waiter of that chat.
    const waiting = new Map<number, { re: RegExp; resolve: () => void }>();
    const seen = { n: 0 };
    const pump = setInterval(() => {
      for (; seen.n < fake.calls.length; seen.n++) {
        const c = fake.calls[seen.n]!;
        if (c.method !== 'sendMessage') continue;
        const w = waiting.get(Number(c.params.chat_id));
        if (w?.re.test(String(c.params.text))) {
          waiting.delete(Number(c.params.chat_id));
          w.resolve();
        }
      }
    }, 1);
    const reply = (chat: number, re: RegExp) => new Promise<void>((resolve) => waiting.set(chat, { re, resolve }));
    const keyboard = (chat: number) => fake.sentTo(chat).findLast((m) => m.reply_markup?.inline_keyboard.length)!.message_id;

    let latencies: number[] = [];
    let answers = 0;
    const one = async (chat: number) => {
      // A one-language survey goes straight to the consent question.
      let r = reply(chat, /Take part/);
      fake.textUpdate(chat, '/start', 'en');
      await r;
      r = reply(chat, /Question 1:/);
      fake.callbackUpdate(chat, 'consent:yes', keyboard(chat), 'en');
      await r;
      for (let i = 1; i <= questions; i++) {
        r = reply(chat, i < questions ? new RegExp(`Question ${i + 1}:`) : /^Done\./);
        const t0 = performance.now();
        fake.callbackUpdate(chat, `a:q${i}:${7 + (i % 4)}`, keyboard(chat), 'en');
        await r;
        latencies.push(performance.now() - t0);
        answers++;
      }
    };
    await fake.waitForCall((c) => c.method === 'getUpdates', { timeoutMs: 30_000 });
    // Warm-up: a first cohort, not measured, so the figures are a running bot's and not its
    // JIT compiler's (V8 compiles the hot path during the first few thousand answers).
    if (opts.warmupRespondents) {
      await Promise.all(Array.from({ length: opts.warmupRespondents }, (_, i) => one(600_000 + i)));
      latencies = [];
      answers = 0;
    }
    const t0 = performance.now();
    const measuredAfterMs = t0 - spawnedAt;
    const cpu0 = cpuSeconds(bot.pid!);
    const threads0 = threadsCpu(bot.pid!);
    const redis0 = await redis.cpu();
    await Promise.all(Array.from({ length: respondents }, (_, i) => one(700_000 + i)));
    const seconds = (performance.now() - t0) / 1000;
    const cpu1 = cpuSeconds(bot.pid!);
    const mainThread = (threadsCpu(bot.pid!)[String(bot.pid)] ?? 0) - (threads0[String(bot.pid)] ?? 0);
    const botCpu = cpu1.user + cpu1.system - cpu0.user - cpu0.system;
    const redisCpu = (await redis.cpu()) - redis0;
    clearInterval(pump);
    latencies.sort((a, b) => a - b);
    return {
      respondents,
      questions,
      apiDelayMs: fake.delayMs,
      botCpuMsPerAnswer: (botCpu * 1000) / answers,
      botSystemMsPerAnswer: ((cpu1.system - cpu0.system) * 1000) / answers,
      botMainThreadMsPerAnswer: mainThread / answers,
      measuredAfterMs,
      redisCpuMsPerAnswer: (redisCpu * 1000) / answers,
      answers,
      answersPerSecond: Math.round(answers / seconds),
      p50Ms: latencies[Math.floor(latencies.length / 2)]!,
      p99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
      peakRssMb: Math.round(peak),
      rateLimited: fake.rateLimited,
      messagesPerInput: fake.calls.filter((c) => /^(send|edit)/.test(c.method)).length / (respondents * 2 + answers),
    };
  } finally {
    clearInterval(sampler);
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    await fake.close();
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
