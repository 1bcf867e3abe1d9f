// The wire floor for the cost bench (cost.ts): the Bot API traffic stemmen makes per answer under
// telegram-e2e.ts (a long poll, answerCallbackQuery, the next question by sendMessage over a
// keep-alive connection) with nothing stored, rendered or checked. What it costs is what any bot
// on this machine pays for the same traffic; the rest of stemmen's cost is its own. It answers
// exactly the load generator's survey (consent, then questions 1..QUESTIONS, then "Done.").
// Not part of the product: plain JavaScript, no dependency, run by `node` directly.
import { Agent, request } from 'node:http';

const root = new URL(process.env.TELEGRAM_API_ROOT);
const token = process.env.TELEGRAM_BOT_TOKEN;
const questions = Number(process.env.BENCH_QUESTIONS ?? 30);
const agent = new Agent({ keepAlive: true });

function call(method, payload) {
  return new Promise((resolve, reject) => {
    const data = JSON.stringify(payload);
    const req = request(
      {
        hostname: root.hostname,
        port: root.port,
        path: `/bot${token}/${method}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

const scale = (q) => ({
  inline_keyboard: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].reduce((rows, v, i) => {
    (rows[Math.floor(i / 5)] ??= []).push({ text: String(v), callback_data: `a:q${q}:${v}` });
    return rows;
  }, []),
});

function reply(update) {
  if (update.message) {
    return call('sendMessage', {
      chat_id: update.message.chat.id,
      text: 'Take part?',
      reply_markup: { inline_keyboard: [[{ text: 'Yes', callback_data: 'consent:yes' }]] },
    });
  }
  const q = update.callback_query;
  void call('answerCallbackQuery', { callback_query_id: q.id, text: '✓' });
  const next = q.data === 'consent:yes' ? 1 : Number(/^a:q(\d+):/.exec(q.data)?.[1] ?? 0) + 1;
  const chat = q.message.chat.id;
  return call(
    'sendMessage',
    next > questions
      ? { chat_id: chat, text: 'Done.' }
      : { chat_id: chat, text: `Question ${next}: how is it going?\n\nbad 1 … 10 good`, reply_markup: scale(next) },
  );
}

let offset = 0;
process.once('SIGTERM', () => process.exit(0));
for (;;) {
  const { result } = await call('getUpdates', { offset, timeout: 30, allowed_updates: ['message', 'callback_query'] });
  await Promise.all(result.map(reply));
  if (result.length > 0) offset = result.at(-1).update_id + 1;
}
