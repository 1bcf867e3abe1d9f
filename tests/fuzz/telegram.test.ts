/**
 * Fuzzing the Telegram inbound path with random and malformed updates of every kind:
 * in volume through `toInbound` and the inbound handler on a real SQLite store, and a
 * smaller run through real grammY polling a fake Bot API over HTTP.
 */
import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Update } from 'grammy/types';
import { toInbound } from '../../bot/channels/telegram/inbound.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { CaptureChannel } from '../helpers/capture.ts';
import { bareKey, scriptProblem } from '../helpers/language.ts';
import { updateCase, type Person, type UpdateCase } from './telegram-updates.ts';

const LANGS = ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'];
let ids = 1000;
const nextId = () => ++ids;

const rejections: unknown[] = [];
const onRejection = (e: unknown) => rejections.push(e);
beforeAll(() => {
  process.on('unhandledRejection', onRejection);
});
afterAll(() => {
  process.off('unhandledRejection', onRejection);
});

/** The language a session renders in: chosen, else suggested by the app language, else the default. */
async function sessionLanguage(app: TestApp, p: Person): Promise<string | null> {
  const rid = app.handler.respondentIdFor('telegram', String(p.id));
  const row = await app.db.selectFrom('sessions').select(['language', 'state']).where('respondent_id', '=', rid).executeTakeFirst();
  if (!row) return null;
  return row.language ?? (JSON.parse(row.state) as { languageHint: string | null }).languageHint ?? 'en';
}

/**
 * Runs `deliver` and returns the language its replies must be in: the session's after the
 * message, or, when the message erased the session, the session's before it.
 */
async function languageAround(app: TestApp, p: Person | undefined, deliver: () => Promise<void>): Promise<string> {
  const before = p ? await sessionLanguage(app, p) : null;
  await deliver();
  return (p ? await sessionLanguage(app, p) : null) ?? before ?? 'en';
}

function checkReplies(c: UpdateCase, replies: Array<{ text: string; language: string }>, lang: string): void {
  // One input, one message (bot/conversation/turn.ts): never none, never a second one.
  if (c.due === true) expect(replies.length, `replies to ${c.what}`).toBe(1);
  if (c.due === false) expect(replies, `a reply to ${c.what}`).toEqual([]);
  if (c.due !== true) return;
  for (const r of replies) {
    expect(r.language, `reply to ${c.what}`).toBe(lang);
    expect(scriptProblem(r.text, lang), c.what).toBeNull();
    expect(bareKey(r.text), c.what).toBeNull();
  }
}

describe('Telegram updates through toInbound and the inbound handler (real SQLite)', () => {
  let app: TestApp;
  let channel: CaptureChannel;
  const people: Person[] = LANGS.map((lang, i) => ({ id: 5_551_234_560 + i, lang }));

  beforeEach(async () => {
    channel = new CaptureChannel('telegram');
    app = await startTestApp({ TRYIT_ENABLED: '0' }, { channels: [channel] });
  });
  afterEach(async () => {
    await app.dispose();
  });

  async function deliver(update: Update): Promise<void> {
    const msg = toInbound(update);
    if (msg) await app.handler.handle(msg);
  }

  it('never throws, and answers every person in their language', async () => {
    const replied: Record<string, number> = {};
    // Half the people start in the survey, half at the language question (suggested from their app language).
    for (const [i, p] of people.entries()) {
      const cb = (data: string) =>
        ({
          update_id: 0,
          callback_query: {
            id: `cq${nextId()}`,
            from: { id: p.id, is_bot: false, first_name: 'x', language_code: p.lang },
            chat_instance: 'c',
            data,
            message: { message_id: nextId(), date: 1, chat: { id: p.id, type: 'private', first_name: 'x' }, text: 'q' },
          },
        }) as unknown as Update;
      for (const d of i < 4 ? ['hi', `lang:${p.lang}`, 'consent:yes'] : ['hi'])
        await deliver(
          d === 'hi'
            ? ({
                update_id: 0,
                message: {
                  message_id: nextId(),
                  date: 1,
                  chat: { id: p.id, type: 'private' },
                  from: { id: p.id, is_bot: false, first_name: 'x', language_code: p.lang },
                  text: 'hi',
                },
              } as unknown as Update)
            : cb(d),
        );
      expect(await sessionLanguage(app, p)).toBe(p.lang);
    }
    await fc.assert(
      fc.asyncProperty(updateCase(people, nextId), async (c) => {
        const before = channel.sent.length;
        const person = people.find((p) => p.id === c.chatId);
        const lang = await languageAround(app, person, async () => {
          await deliver(c.update);
          await app.handler.idle();
        });
        const replies = channel.sent
          .slice(before)
          .filter((s) => s.address === String(c.chatId))
          .map((s) => s.message);
        if (c.due === false) expect(channel.sent.slice(before)).toEqual([]);
        if (person) checkReplies(c, replies, lang);
        if (c.due === true) replied[lang] = (replied[lang] ?? 0) + 1;
      }),
      { numRuns: 400, seed: 20261124 },
    );
    expect(rejections).toEqual([]);
    // Not vacuous: people of every language got replies, and answers were stored.
    expect(Object.keys(replied).sort()).toEqual([...LANGS].sort());
    expect(await app.db.selectFrom('answers').select('id').execute()).not.toEqual([]);
    // Nothing of the chat ids reached the answers.
    const answers = JSON.stringify(await app.db.selectFrom('answers').selectAll().execute());
    for (const p of people) expect(answers).not.toContain(String(p.id));
  });
});

describe('Telegram updates through real grammY polling a fake Bot API', () => {
  let fake: FakeBotApi;
  let app: TestApp;
  let fatal: unknown[];
  const people: Person[] = LANGS.map((lang, i) => ({ id: 5_551_234_570 + i, lang }));

  beforeEach(async () => {
    fake = await FakeBotApi.start();
    fatal = [];
    app = await startTestApp(
      { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' },
      { telegramBotInfo: fake.botInfo, onFatal: (e) => fatal.push(e) },
    );
  });
  afterEach(async () => {
    await app.dispose();
    await fake.close();
  });

  it('survives any update without a fatal error and answers persons in their language', async () => {
    await fc.assert(
      fc.asyncProperty(updateCase(people, nextId), async (c) => {
        const earlier = c.chatId === null ? [] : fake.sentTo(c.chatId);
        const person = people.find((p) => p.id === c.chatId);
        const lang = await languageAround(app, person, async () => {
          const pushed = fake.pushUpdate({ ...c.update, update_id: undefined } as never);
          // grammY asks for the next offset only after the update's middleware finished.
          await fake.waitForCall((call) => call.method === 'getUpdates' && Number(call.params.offset) > pushed.update_id, { timeoutMs: 10_000 });
          await app.handler.idle();
        });
        expect(fatal, c.what).toEqual([]);
        // A reply is a new message or an edited one (a toggled choice redraws its keyboard).
        const replies =
          c.chatId === null
            ? []
            : fake
                .sentTo(c.chatId)
                .filter((m, i) => i >= earlier.length || JSON.stringify(m) !== JSON.stringify(earlier[i]))
                .map((m) => ({ text: m.text ?? '', language: '' }));
        if (c.due === false) expect(replies, c.what).toEqual([]);
        if (c.due === true && person) {
          expect(replies.length, `replies to ${c.what}`).toBe(1);
          for (const r of replies) {
            expect(scriptProblem(r.text, lang), c.what).toBeNull();
            expect(bareKey(r.text), c.what).toBeNull();
          }
        }
      }),
      { numRuns: 60, seed: 20261125 },
    );
    expect(rejections).toEqual([]);
  });

  it('ignores a malformed update instead of crashing, and keeps answering (regression)', async () => {
    const u = people[2]!;
    const chat = { id: u.id, type: 'private' };
    const from = { id: u.id, is_bot: false, first_name: 'x', language_code: u.lang };
    for (const bad of [
      { message: [] },
      { message: { message_id: 1, date: 1, chat, from, text: 42 } },
      { message: { message_id: 2, date: 'yesterday', chat, from, text: 'hi' } },
      { message: { message_id: 3, date: 1, chat, from, text: '/start', entities: { type: 'bot_command' } } },
      { message: { message_id: 4, date: 1, chat, from: { ...from, language_code: 7 }, text: 'hi' } },
      { callback_query: { id: 'q', from, chat_instance: 'c', data: 5, message: { message_id: 5, date: 1, chat } } },
    ]) {
      const pushed = fake.pushUpdate(bad as never);
      await fake.waitForCall((call) => call.method === 'getUpdates' && Number(call.params.offset) > pushed.update_id);
    }
    expect(fatal).toEqual([]);
    expect(fake.sentTo(u.id)).toEqual([]);
    fake.textUpdate(u.id, 'hi', u.lang);
    await fake.waitForCall((call) => call.method === 'sendMessage' && call.params.chat_id === u.id);
    expect(scriptProblem(fake.sentTo(u.id)[0]!.text!, u.lang)).toBeNull();
  });
});
