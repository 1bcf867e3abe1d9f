/**
 * Respondents finished per minute under Telegram's real limits: the real `stemmen start` in
 * its own process against the fake Bot API enforcing 30 sends and edits a second per bot and
 * 1 a second per chat (429 with retry_after beyond either). N respondents start at once and
 * go through a 10-question survey (consent, ten scale questions of which they skip one, the
 * recontact question), each answering as soon as the first message of a turn arrives.
 *
 * What decides the outcome is the number of messages per input: every message waits its turn
 * in the bot's budget. Reported: respondents completed within the time limit, messages per
 * input, sends per second, 429s by limit, and the wait per turn (input pushed → first reply).
 * @module
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Message } from '../../bot/channels/telegram/bot-api.ts';
import { INDICATORS } from '../../surveys/indicators.ts';
import { FakeBotApi } from '../dev/fake-bot-api.ts';

const ROOT = join(import.meta.dirname, '../..');
const QUESTIONS = 10;
const SKIPPED = 5;

function writeSurvey(dir: string): { surveyFile: string; localesDir: string } {
  const localesDir = join(dir, 'locales');
  mkdirSync(join(localesDir, 'en'), { recursive: true });
  for (const ns of ['bot', 'indicators']) cpSync(join(ROOT, 'locales/en', `${ns}.json`), join(localesDir, 'en', `${ns}.json`));
  const lines = [
    'specVersion: 2',
    'id: bench-limits',
    'version: 1',
    'languages: [en]',
    'defaultLanguage: en',
    'consent: { version: 1 }',
    'recontact: { afterRed: false, atEnd: true, expertpool: false }',
    'secondsPerQuestion: 10',
    'questions:',
  ];
  const q: Record<string, { text: string; min: string; max: string }> = {};
  for (let i = 1; i <= QUESTIONS; i++) {
    const ind = INDICATORS[i % INDICATORS.length]!;
    lines.push(`  - { id: q${i}, type: scale, indicator: ${ind.id}, outcome: ${ind.outcomes[0]}, traffic: default }`);
    q[`q${i}`] = { text: `Question ${i}: how is it going?`, min: 'bad', max: 'good' };
  }
  const texts = { intro: 'A short survey.', consent: 'Take part?', completion: 'Done. Thank you!', q };
  writeFileSync(join(localesDir, 'en', 'survey-bench-limits.json'), JSON.stringify(texts));
  const surveyFile = join(dir, 'limits.yaml');
  writeFileSync(surveyFile, `${lines.join('\n')}\n`);
  return { surveyFile, localesDir };
}

export interface LimitsFigures {
  respondents: number;
  seconds: number;
  completed: number;
  /** Seconds until the last respondent completed (or the limit). */
  lastCompletedAt: number;
  inputs: number;
  messages: number;
  messagesPerInput: number;
  sendsPerSecond: number;
  rateLimited: { global: number; perChat: number };
  p50WaitMs: number;
  p99WaitMs: number;
  /** Turns whose first message carried no next step (an acknowledgement on its own). */
  splitTurns: number;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(s.length * q))]! : Number.NaN;
};

/** What the respondent does on a message: the next input, `done`, or null (not a step; wait for more). */
function next(m: Message): { data: string } | 'done' | null {
  const text = m.text ?? m.caption ?? '';
  if (/^Done\./m.test(text)) return 'done';
  const datas = (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => ('callback_data' in b ? b.callback_data : ''));
  if (datas.includes('consent:yes')) return { data: 'consent:yes' };
  if (datas.includes('rcall:no')) return { data: 'rcall:no' };
  const q = /Question (\d+):/.exec(text);
  if (!q) return null;
  const i = Number(q[1]);
  return { data: i === SKIPPED ? `skip:q${i}` : `a:q${i}:7` };
}

export async function benchTelegramLimits(respondents: number, limitSeconds = 180, sendsPerSecond = 25): Promise<LimitsFigures> {
  const fake = await FakeBotApi.start();
  const limits = fake.enforceTelegramLimits({ perSecond: 30, perChatPerSecond: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-limits-'));
  const { surveyFile, localesDir } = writeSurvey(dir);
  const bot = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      QUEUE_PREFIX: `l${process.pid}${Date.now().toString(36)}`,
      PORT: '0',
      LOG_LEVEL: 'error',
      TRYIT_ENABLED: '0',
      SURVEY_FILE: surveyFile,
      LOCALES_DIR: localesDir,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_SENDS_PER_SECOND: String(sendsPerSecond),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await fake.waitForCall((c) => c.method === 'getUpdates', { timeoutMs: 30_000 });
    const pending = new Map<number, number>(); // chat → when its input was pushed
    const waits: number[] = [];
    const completedAt: number[] = [];
    let inputs = 0;
    let splitTurns = 0;
    const t0 = performance.now();
    const push = (chat: number, act: () => void) => {
      pending.set(chat, performance.now());
      inputs++;
      act();
    };
    let finish: () => void = () => undefined;
    const allDone = new Promise<void>((resolve) => {
      finish = resolve;
    });
    fake.onMessage = (chat, m) => {
      const since = pending.get(chat);
      if (since === undefined) return; // a later message of a turn already answered
      const step = next(m);
      if (step === null) {
        splitTurns++;
        return;
      }
      pending.delete(chat);
      const now = performance.now();
      waits.push(now - since);
      if (step === 'done') {
        completedAt.push((now - t0) / 1000);
        if (completedAt.length === respondents) finish();
        return;
      }
      // As soon as it arrives: no reading time, the worst case for the per-chat limit.
      setImmediate(() => push(chat, () => fake.callbackUpdate(chat, step.data, m.message_id, 'en')));
    };
    for (let i = 0; i < respondents; i++) push(800_000 + i, () => fake.textUpdate(800_000 + i, '/start', 'en'));
    await Promise.race([allDone, new Promise((r) => setTimeout(r, limitSeconds * 1000))]);
    const seconds = (performance.now() - t0) / 1000;
    fake.onMessage = null;
    const span = limits.firstAt !== null && limits.lastAt !== null ? (limits.lastAt - limits.firstAt) / 1000 : 0;
    return {
      respondents,
      seconds,
      completed: completedAt.filter((s) => s <= limitSeconds).length,
      lastCompletedAt: completedAt.length ? Math.max(...completedAt) : limitSeconds,
      inputs,
      messages: limits.accepted,
      messagesPerInput: limits.accepted / Math.max(1, inputs),
      sendsPerSecond: span > 0 ? limits.accepted / span : 0,
      rateLimited: { ...limits.refused },
      p50WaitMs: quantile(waits, 0.5),
      p99WaitMs: quantile(waits, 0.99),
      splitTurns,
    };
  } finally {
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `npx tsx scripts/bench/telegram-limits.ts [respondents] [seconds]`: this scenario on its own. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const f = await benchTelegramLimits(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 180));
  process.stdout.write(`${JSON.stringify(f, null, 2)}\n`);
}
