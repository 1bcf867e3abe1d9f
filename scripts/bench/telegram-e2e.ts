/**
 * End-to-end Telegram figure: N virtual respondents answer a 30-question survey through
 * the fake Bot API over HTTP, against the real `stemmen start` in its own process. Outbound
 * pacing is off (the fake has no rate limit): this measures the bot's own capacity; the
 * real Bot API caps a bot at about 30 messages a second (see the outbound figures).
 *
 * Latency is measured from the moment an update is available to the bot (pushed to the
 * fake's getUpdates queue) to the moment the fake receives the next question for that chat.
 * RSS is the bot process's resident memory, sampled every 100 ms.
 * @module
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

export interface TelegramFigures {
  respondents: number;
  answers: number;
  answersPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  peakRssMb: number;
  rateLimited: number;
  /** Messages sent or edited per respondent input (/start, consent, answers). */
  messagesPerInput: number;
}

export async function benchTelegram(respondents: number, questions = 30, databaseUrl?: string): Promise<TelegramFigures> {
  const fake = await FakeBotApi.start();
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-tg-'));
  const { surveyFile, localesDir } = writeSurvey(dir, questions);
  const bot = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      QUEUE_PREFIX: `t${process.pid}${Date.now().toString(36)}`,
      PORT: '0',
      LOG_LEVEL: 'error',
      TRYIT_ENABLED: '0',
      SURVEY_FILE: surveyFile,
      LOCALES_DIR: localesDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_SENDS_PER_SECOND: '0',
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

    const latencies: number[] = [];
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
    const t0 = performance.now();
    await Promise.all(Array.from({ length: respondents }, (_, i) => one(700_000 + i)));
    const seconds = (performance.now() - t0) / 1000;
    clearInterval(pump);
    latencies.sort((a, b) => a - b);
    return {
      respondents,
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
    rmSync(dir, { recursive: true, force: true });
  }
}
