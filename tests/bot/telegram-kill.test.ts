/**
 * Proof that no update Telegram delivered is lost when the bot process dies between
 * receiving and storing it: the real `stemmen start` runs as a child process against the
 * fake Bot API, which kills it (SIGKILL, or SIGTERM for a graceful stop) the moment it has
 * handed out an update. After a restart every answer is stored exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/app.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

let fake: FakeBotApi;
let dir: string;
let child: ChildProcess | null = null;
const USER = 9001;

beforeAll(async () => {
  fake = await FakeBotApi.start();
  dir = mkdtempSync(join(tmpdir(), 'stemmen-kill-'));
});
afterAll(async () => {
  child?.kill('SIGKILL');
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

function startBot(): ChildProcess {
  const p = spawn(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), 'start'], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATA_DIR: dir,
      QUEUE_PREFIX: `t${process.pid}${Date.now().toString(36)}`,
      PORT: '0',
      LOG_LEVEL: 'warn',
      TRYIT_ENABLED: '0',
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  p.stderr!.on('data', (d) => process.stderr.write(`[bot] ${d}`));
  return p;
}
const exited = (p: ChildProcess) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    p.exitCode !== null || p.signalCode !== null ? r({ code: p.exitCode, signal: p.signalCode }) : p.once('exit', (code, signal) => r({ code, signal })),
  );

function answers(): Array<{ question_id: string; value: string }> {
  const db = new SQLite(join(dir, 'stemmen.sqlite'), { readonly: true });
  try {
    return db
      .prepare('select question_id, coalesce(value_date, value_choices, cast(value_number as text), value_text) as value from answers order by answered_at')
      .all() as never;
  } finally {
    db.close();
  }
}
const lastKeyboard = () => fake.sentTo(USER).findLast((m) => m.reply_markup?.inline_keyboard.length)!;

describe('Telegram: killed between receiving and storing', () => {
  it('loses and duplicates nothing across SIGKILLs and a graceful SIGTERM', async () => {
    child = startBot();
    fake.textUpdate(USER, '/start', 'en');
    await fake.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === USER, { timeoutMs: 20_000 });
    let since = fake.calls.length;
    fake.callbackUpdate(USER, 'lang:en', lastKeyboard().message_id, 'en');
    await fake.waitForCall((c) => c.method === 'sendMessage' && /take part/.test(String(c.params.text)), { since });
    since = fake.calls.length;
    fake.callbackUpdate(USER, 'consent:yes', lastKeyboard().message_id, 'en');
    await fake.waitForCall((c) => c.method === 'sendMessage' && /Question 1 of/.test(String(c.params.text)), { since });

    // Each answer is handed out, and the bot dies at that very moment; then it restarts.
    const script: Array<{ send: () => unknown; signal: NodeJS.Signals; next: RegExp }> = [
      { send: () => fake.textUpdate(USER, '2014', 'en'), signal: 'SIGKILL', next: /Question 2 of/ },
      { send: () => fake.callbackUpdate(USER, 'a:work_has_paid_work:yes', lastKeyboard().message_id, 'en'), signal: 'SIGKILL', next: /Question 3 of/ },
      // The scale method asks everyone why they are at that number (seed 003).
      { send: () => fake.callbackUpdate(USER, 'a:work_fair:9', lastKeyboard().message_id, 'en'), signal: 'SIGTERM', next: /Why are you at this number/ },
      { send: () => fake.textUpdate(USER, 'My boss is fair.', 'en'), signal: 'SIGKILL', next: /one step up/ },
    ];
    const servings = new Map<number, number>();
    let armed: (() => void) | null = null;
    fake.onServe = (updates) => {
      for (const u of updates) servings.set(u.update_id, (servings.get(u.update_id) ?? 0) + 1);
      armed?.();
      armed = null;
    };
    const killed: number[] = [];
    const storedWhenKilled: number[] = [];
    for (const step of script) {
      const victim = child;
      armed = () => victim.kill(step.signal);
      since = fake.calls.length;
      const update = step.send() as { update_id: number };
      const end = await exited(victim);
      if (step.signal === 'SIGKILL') {
        killed.push(update.update_id);
        storedWhenKilled.push(answers().length);
      }
      if (step.signal === 'SIGTERM') expect(end.code).toBe(0);
      else expect(end.signal).toBe('SIGKILL');
      child = startBot();
      await fake.waitForCall((c) => c.method === 'sendMessage' && step.next.test(String(c.params.text)), { since, timeoutMs: 20_000 });
    }
    // A killed bot never confirmed its update, so Telegram handed each one out again.
    expect(killed.map((id) => servings.get(id))).toEqual([2, 2, 2]);
    // Answers stored at each kill: one less than after it means the kill came before the commit.
    console.info(`answers stored when killed: ${storedWhenKilled.join(', ')} (before the killed update: 0, 1, 3)`);
    // Give background deliveries a moment, then stop for good.
    child.kill('SIGTERM');
    expect((await exited(child)).code).toBe(0);
    child = null;
    expect(answers()).toEqual([
      { question_id: 'arrival_year', value: '2014' },
      { question_id: 'work_has_paid_work', value: '["yes"]' },
      { question_id: 'work_fair', value: '9.0' },
      { question_id: 'work_fair_why', value: 'My boss is fair.' },
    ]);
    // Every question was asked; none was asked twice after its answer was stored.
    const asked = fake
      .sentTo(USER)
      .map((m) => m.text ?? '')
      .filter((t) => /^Question \d+ of/m.test(t)) // Question 1 comes after "Thank you" in one message
      .map((t) => t.match(/^Question (\d+)/m)![1]);
    expect([...new Set(asked)]).toEqual(['1', '2', '3']); // the follow-ups of question 3 share its number
  }, 120_000);
});
