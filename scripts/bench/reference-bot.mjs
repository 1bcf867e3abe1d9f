// The reference bot for the cost bench (cost.ts), as issue 20 measured it: the survey a
// TypeScript developer would write with grammY's own plugins instead of stemmen — grammY with
// @grammyjs/conversations (the survey as one replayed function), @grammyjs/runner with
// sequentialize (chats at once, one chat in order) and @grammyjs/auto-retry, the conversation
// state and the answers durable in SQLite (better-sqlite3, WAL, synchronous=FULL, as stemmen's
// store). It answers exactly the load generator's survey (telegram-e2e.ts: consent, questions
// 1..BENCH_QUESTIONS, then "Done."). Not part of the product: plain JavaScript, bench only.
import { join } from 'node:path';
import { autoRetry } from '@grammyjs/auto-retry';
import { conversations, createConversation } from '@grammyjs/conversations';
import { run, sequentialize } from '@grammyjs/runner';
import Database from 'better-sqlite3';
import { Bot } from 'grammy';

const questions = Number(process.env.BENCH_QUESTIONS ?? 30);
const db = new Database(join(process.env.DATA_DIR ?? '.', 'reference.sqlite'));
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.exec(`CREATE TABLE IF NOT EXISTS conversation (key TEXT PRIMARY KEY, state TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS answer (chat INTEGER NOT NULL, question INTEGER NOT NULL, value INTEGER NOT NULL,
    at TEXT NOT NULL, PRIMARY KEY (chat, question));`);
const read = db.prepare('SELECT state FROM conversation WHERE key = ?');
const write = db.prepare('INSERT INTO conversation (key, state) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET state = excluded.state');
const remove = db.prepare('DELETE FROM conversation WHERE key = ?');
const answer = db.prepare('INSERT OR REPLACE INTO answer (chat, question, value, at) VALUES (?, ?, ?, ?)');

const scale = (q) => ({
  inline_keyboard: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reduce((rows, v, i) => {
    (rows[Math.floor(i / 5)] ??= []).push({ text: String(v), callback_data: `a:q${q}:${v}` });
    return rows;
  }, []),
});

async function survey(conversation, ctx) {
  await ctx.reply('Take part?', { reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'consent:yes' }]] } });
  const yes = await conversation.waitForCallbackQuery('consent:yes');
  await yes.answerCallbackQuery('✓');
  for (let q = 1; q <= questions; q++) {
    await ctx.reply(`Question ${q}: how is it going?\n\nbad 1 … 10 good`, { reply_markup: scale(q) });
    const a = await conversation.waitForCallbackQuery(new RegExp(`^a:q${q}:(\\d+)$`));
    const value = Number(a.match[1]);
    await conversation.external(() => answer.run(ctx.chat.id, q, value, new Date().toISOString()));
    await a.answerCallbackQuery('✓');
  }
  await ctx.reply('Done.');
}

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
bot.api.config.use(autoRetry());
bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
bot.use(
  conversations({
    storage: {
      read: (key) => {
        const row = read.get(key);
        return row ? JSON.parse(row.state) : undefined;
      },
      write: (key, state) => void write.run(key, JSON.stringify(state)),
      delete: (key) => void remove.run(key),
    },
  }),
);
bot.use(createConversation(survey, 'survey'));
bot.command('start', (ctx) => ctx.conversation.enter('survey'));

const runner = run(bot, { runner: { fetch: { timeout: 30, allowed_updates: ['message', 'callback_query'] } } });
process.once('SIGTERM', () => {
  void runner.stop().then(() => process.exit(0));
});
