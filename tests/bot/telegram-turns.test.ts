/**
 * One input, one message, through real grammY against the fake Bot API over HTTP: the
 * acknowledgements ride with the next question, and a toggled choice edits its keyboard.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

let fake: FakeBotApi;
let app: TestApp;
const chat = 4242;

beforeEach(async () => {
  fake = await FakeBotApi.start();
  app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0' }, { telegramBotInfo: fake.botInfo });
});
afterEach(async () => {
  await app.dispose();
  await fake.close();
});

/** Messages put in the chat or changed (sends and edits), as Telegram counts them against its limits. */
const outbound = () => fake.calls.filter((c) => /^(send|edit)/.test(c.method) && c.params.chat_id === chat);

/** Pushes an input, waits until every reply to it is out, and returns the calls it cost. */
async function turn(push: () => void): Promise<Array<{ method: string; text: string }>> {
  const before = outbound().length;
  push();
  await fake.waitForCall((c) => /^(send|edit)/.test(c.method) && c.params.chat_id === chat, { since: fake.calls.length });
  await app.handler.idle();
  await new Promise((r) => setTimeout(r, 150)); // a second message of the same turn would be out by now
  return outbound()
    .slice(before)
    .map((c) => ({ method: c.method, text: String(c.params.text ?? c.params.caption ?? '') }));
}
const last = (): Message => fake.sentTo(chat).at(-1)!;
const tap =
  (data: string, m: Message = last()) =>
  () =>
    fake.callbackUpdate(chat, data, m.message_id, 'en');
const say = (text: string) => () => fake.textUpdate(chat, text, 'en');

describe('one message per turn on Telegram', () => {
  it('folds thanks, "Skipped." and an issue into the question that follows; a toggle edits its keyboard', async () => {
    expect(await turn(say('/start'))).toMatchObject([{ method: 'sendMessage', text: expect.stringMatching(/language/) }]);
    expect(await turn(tap('lang:en'))).toMatchObject([{ method: 'sendMessage', text: expect.stringMatching(/Take part|agree|take part/i) }]);

    const thanks = await turn(tap('consent:yes'));
    expect(thanks).toHaveLength(1);
    expect(thanks[0]!.text).toMatch(/^Thank you\.[\s\S]*\n\nQuestion 1 of/);

    const skipped = await turn(tap('skip:arrival_year'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]!.text).toMatch(/^Skipped\.\n\nQuestion 2 of/);

    expect(await turn(tap('a:work_has_paid_work:no'))).toHaveLength(1); // housing
    const issue = await turn(say('a lot'));
    expect(issue).toHaveLength(1);
    expect(issue[0]!.text).toMatch(/number[\s\S]*\n\nQuestion 4 of/);
    // The scale method asks everyone why, then what one step up would be (seed 003).
    expect(await turn(tap('a:housing_suitable:8'))).toMatchObject([{ text: expect.stringMatching(/Why are you at this number/) }]);
    expect(await turn(say('It is quiet.'))).toMatchObject([{ text: expect.stringMatching(/one step up/) }]);
    expect(await turn(say('A garden.'))).toHaveLength(1); // education
    expect(await turn(tap('a:education_access:finished'))).toHaveLength(1); // health
    expect(await turn(tap('a:health_access:8'))).toHaveLength(1); // why
    expect(await turn(say('The doctor is near.'))).toHaveLength(1); // one step up
    expect(await turn(say('Shorter waits.'))).toHaveLength(1); // leisure: multi-choice

    const multi = last();
    expect(multi.text).toMatch(/Question 7 of/);
    const toggled = await turn(tap('m:leisure_activities:sport', multi));
    expect(toggled.map((c) => c.method)).toEqual(['editMessageText']);
    const redrawn = fake.sentTo(chat).find((m) => m.message_id === multi.message_id)!;
    expect(redrawn.reply_markup!.inline_keyboard.flat()[0]!.text).toMatch(/^✓ /);
    expect(last().message_id).toBe(multi.message_id); // no copy of the question below it
    const done = await turn(tap('md:leisure_activities', redrawn));
    expect(done.map((c) => c.method)).toEqual(['sendMessage']);
    expect(done[0]!.text).toMatch(/Question 8 of/);

    const rid = app.handler.respondentIdFor('telegram', String(chat));
    const rows = await app.db.selectFrom('answers_v1').select(['question_id', 'value_choices']).where('respondent_id', '=', rid).execute();
    expect(rows.find((r) => r.question_id === 'leisure_activities')?.value_choices).toBe('["sport"]');
  }, 30_000);
});
