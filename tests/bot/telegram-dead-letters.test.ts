/**
 * Telegram through the inbound boundary, over HTTP against the fake Bot API: an update that
 * always fails is parked after INBOUND_MAX_ATTEMPTS tries (an apology in the person's
 * language, the update confirmed), and the next person's answer still goes through.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { sql } from 'kysely';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { EngineError } from '../../surveys/errors.ts';
import { StoreError } from '../../storage/errors.ts';
import { DeadLetters } from '../../storage/dead-letters.ts';
import type { InboundMessage } from '../../bot/channels/port.ts';

let fake: FakeBotApi;
let app: TestApp;
let fatal: unknown[];
/** The test seam: decides, per message, whether it fails. */
let fault: (msg: InboundMessage) => void;
let nextUser = 5000;
const botText = (lng: string) => JSON.parse(readFileSync(join(ROOT, 'locales', lng, 'bot.json'), 'utf8')) as { failure: { apology: string } };

beforeEach(async () => {
  fake = await FakeBotApi.start();
  fatal = [];
  fault = () => undefined;
  app = await startTestApp(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0', INBOUND_MAX_ATTEMPTS: '3' },
    { telegramBotInfo: fake.botInfo, onFatal: (e) => fatal.push(e), inboundFault: (m) => fault(m), inboundBackoffMs: 0 },
  );
});
afterEach(async () => {
  await app.dispose();
  await fake.close();
  expect(fatal).toEqual([]);
});

async function until<T>(f: () => T | Promise<T>, ok: (v: T) => boolean, what: string, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One person in a private chat, taken through language choice and consent. */
async function consented(lang: string): Promise<number> {
  const id = ++nextUser;
  const lastKeyboard = () => fake.sentTo(id).findLast((m: Message) => m.reply_markup?.inline_keyboard.length);
  fake.textUpdate(id, '/start', lang);
  const langPrompt = await until(lastKeyboard, (m) => m !== undefined, 'the language question');
  fake.callbackUpdate(id, `lang:${lang}`, langPrompt!.message_id, lang);
  const consent = await until(lastKeyboard, (m) => m !== undefined && m.message_id !== langPrompt!.message_id, 'the consent question');
  fake.callbackUpdate(id, 'consent:yes', consent!.message_id, lang);
  await until(
    () => fake.sentTo(id).at(-1)?.text ?? '',
    (t) => /1/.test(t) && fake.sentTo(id).length > 2,
    'question 1',
  );
  return id;
}

const answersOf = (id: number) =>
  app.db
    .selectFrom('answers_v1')
    .select(['question_id', 'value_date'])
    .where('respondent_id', '=', app.handler.respondentIdFor('telegram', String(id)))
    .execute();

describe('Telegram: one update that always fails', () => {
  it('is parked after 3 tries with an apology in Ukrainian, confirmed, while the next person answers', async () => {
    const broken = await consented('uk');
    const other = await consented('en');
    let tries = 0;
    fault = (m) => {
      if (m.address === String(broken)) {
        tries++;
        throw new EngineError('invariant', `no prompt for chat ${m.address} after "${m.content.kind === 'text' ? m.content.text : ''}"`);
      }
    };
    const before = fake.sentTo(broken).length;
    const stuck = fake.textUpdate(broken, '2018', 'uk');
    const next = fake.textUpdate(other, '2019', 'en');

    const rows = await until(
      () => answersOf(other),
      (r) => r.length === 1,
      "the other person's answer",
    );
    expect(rows).toEqual([{ question_id: 'arrival_year', value_date: '2019' }]);
    const apology = await until(
      () => fake.sentTo(broken).slice(before),
      (m) => m.length === 1,
      'the apology',
    );
    expect(apology[0]!.text).toBe(botText('uk').failure.apology);
    expect(apology[0]!.text).toMatch(/[\u0400-\u04FF]/);
    expect(tries).toBe(3);

    const [letter, ...more] = await new DeadLetters(app.store).list();
    expect(more).toEqual([]);
    expect(letter).toMatchObject({
      channel: 'telegram',
      respondentId: app.handler.respondentIdFor('telegram', String(broken)),
      attempts: 3,
      layer: 'engine',
      code: 'invariant',
      content: { content: { kind: 'text', text: '2018' } },
    });
    // Neither the chat id nor the message text ends up in the reason.
    expect(letter!.reason).not.toContain(String(broken));
    expect(letter!.reason).not.toContain('2018');
    expect(JSON.stringify(letter)).not.toContain(String(broken));
    expect(await answersOf(broken)).toEqual([]);
    // Both updates were confirmed: polling asked for what comes after them.
    await until(
      () => fake.offsets.at(-1) ?? 0,
      (o) => o > Math.max(stuck.update_id, next.update_id),
      'the confirming offset',
    );

    // The same message delivered again is a duplicate: no second try, no second apology.
    fault = () => {
      throw new Error('must not be tried again');
    };
    fake.pushUpdate({ message: stuck.message! });
    await until(
      () => fake.offsets.at(-1) ?? 0,
      (o) => o > stuck.update_id + 2,
      'the redelivery confirmed',
    );
    expect(fake.sentTo(broken).length).toBe(before + 1);
    expect(await new DeadLetters(app.store).count()).toBe(1);
  });

  it('calls onFatal (the default exits, unconfirmed) only when the failure cannot even be parked', async () => {
    const id = await consented('en');
    fault = (m) => {
      if (m.address === String(id)) throw new Error('always');
    };
    // The dead-letter table gone: counting the attempt fails too, so nothing can be kept.
    await sql`drop table dead_letters`.execute(app.db);
    fake.textUpdate(id, '2016', 'en');
    const [e] = await until(
      () => fatal,
      (f) => f.length > 0,
      'the fatal call',
    );
    expect(e).toBeInstanceOf(StoreError);
    expect(e).toMatchObject({ layer: 'store', code: 'unavailable' });
    fatal.length = 0;
  });

  it('retries a transient store error and stores the answer, with no dead letter', async () => {
    const id = await consented('en');
    let busy = 1;
    fault = (m) => {
      if (m.address === String(id) && busy-- > 0) throw new StoreError('busy', 'database is locked');
    };
    fake.textUpdate(id, '2017', 'en');
    const rows = await until(
      () => answersOf(id),
      (r) => r.length === 1,
      'the answer',
    );
    expect(rows).toEqual([{ question_id: 'arrival_year', value_date: '2017' }]);
    expect(busy).toBe(-1);
    expect(await app.db.selectFrom('dead_letters').selectAll().execute()).toEqual([]);
  });
});
