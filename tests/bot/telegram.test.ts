import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Message } from 'grammy/types';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { voiceNote } from '../helpers/media.ts';

let fake: FakeBotApi;
let app: TestApp;
let fatal: unknown[];
let nextUser = 1000;

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
  expect(fatal).toEqual([]);
});

/** One simulated person in a private chat with the bot. */
class User {
  readonly id = ++nextUser;
  constructor(readonly lang?: string) {}
  private seen = 0;

  /** Waits until the bot has sent at least `n` new messages to this chat; returns them. */
  async replies(n = 1): Promise<Message[]> {
    const deadline = Date.now() + 8000;
    for (;;) {
      const sent = fake.sentTo(this.id);
      if (sent.length >= this.seen + n) {
        const fresh = sent.slice(this.seen);
        this.seen = sent.length;
        return fresh;
      }
      if (Date.now() > deadline)
        throw new Error(
          `expected ${n} new message(s) to ${this.id}, got: ${JSON.stringify(sent.slice(this.seen).map((m) => m.text))}; all sent: ${JSON.stringify(sent.map((m) => m.text?.slice(0, 40)))}; calls: ${fake.calls.map((c) => (c.method === 'getUpdates' ? `getUpdates(${JSON.stringify(c.params.offset)})` : c.method)).join(',')}; offsets ${fake.offsets}`,
        );
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  /** Waits for replies until one carries buttons (the next prompt) and returns that one. */
  async prompt(): Promise<Message> {
    for (;;) {
      const fresh = await this.replies(1);
      const m = fresh.findLast((x) => x.reply_markup?.inline_keyboard.length || /\?|؟|፧/.test(x.text ?? ''));
      if (m) return m;
    }
  }
  /** Waits until the bot edited `m` (a redrawn keyboard) and returns it as it is now. */
  async redrawn(m: Message): Promise<Message> {
    const deadline = Date.now() + 8000;
    for (;;) {
      const now = fake.sentTo(this.id).find((x) => x.message_id === m.message_id);
      if (now && JSON.stringify(now.reply_markup) !== JSON.stringify(m.reply_markup)) return now;
      if (Date.now() > deadline) throw new Error(`message ${m.message_id} to ${this.id} was not redrawn`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }
  say(text: string) {
    return fake.textUpdate(this.id, text, this.lang);
  }
  send(extra: Partial<Message>) {
    return fake.messageUpdate(this.id, extra, this.lang);
  }
  tap(m: Message, data: string) {
    return fake.callbackUpdate(this.id, data, m.message_id, this.lang);
  }
  tapLabel(m: Message, re: RegExp) {
    const b = m.reply_markup!.inline_keyboard.flat().find((x) => re.test(x.text))!;
    return this.tap(m, (b as { callback_data: string }).callback_data);
  }
}

const datas = (m: Message) => (m.reply_markup?.inline_keyboard.flat() ?? []).map((b) => (b as { callback_data: string }).callback_data);
async function answers(u: User) {
  const rid = app.handler.respondentIdFor('telegram', String(u.id));
  return app.db.selectFrom('answers_v1').selectAll().where('respondent_id', '=', rid).orderBy('answered_at').execute();
}
async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v) || Date.now() > deadline) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function consent(u: User, lang: string): Promise<Message> {
  u.say('/start');
  const langPrompt = await u.prompt();
  u.tap(langPrompt, `lang:${lang}`);
  const consentPrompt = await u.prompt();
  u.tap(consentPrompt, 'consent:yes');
  return u.prompt();
}

describe('Telegram channel against a Bot API over HTTP', () => {
  it('registers commands in every survey language, and a default set', async () => {
    await fake.waitForCall((c) => c.method === 'setMyCommands' && c.params.language_code === 'pl');
    const calls = fake.calls.filter((c) => c.method === 'setMyCommands');
    expect(calls.map((c) => c.params.language_code ?? 'default').sort()).toEqual(['ar', 'default', 'en', 'fa', 'nl', 'pl', 'ps', 'ru', 'so', 'ti', 'tr', 'uk']);
    const nl = calls.find((c) => c.params.language_code === 'nl')!.params.commands as Array<{ command: string; description: string }>;
    expect(nl.map((c) => c.command)).toEqual(['start', 'help', 'language', 'stop', 'delete']);
  });

  for (const lang of ['ar', 'uk'] as const) {
    it(`completes the default pilot in ${lang} with buttons and text`, async () => {
      const u = new User(lang);
      u.say('/start');
      const langPrompt = await u.prompt();
      expect(datas(langPrompt)[0]).toBe(`lang:${lang}`); // suggested from language_code
      u.tap(langPrompt, `lang:${lang}`);
      let m = await u.prompt();
      u.tap(m, 'consent:yes');
      const phase = async () =>
        (
          await app.db
            .selectFrom('sessions')
            .select('phase')
            .where('respondent_id', '=', app.handler.respondentIdFor('telegram', String(u.id)))
            .executeTakeFirst()
        )?.phase;
      for (let i = 0; ; i++) {
        const fresh = await u.replies(1);
        const next = fresh.findLast((x) => x.reply_markup?.inline_keyboard.length || /\?|؟/.test(x.text ?? ''));
        if (!next) {
          if ((await until(phase, (p) => p === 'completed', 300)) === 'completed') break;
          continue;
        }
        if (i > 80) throw new Error('survey did not complete');
        m = next;
        const d = datas(m);
        if (d.length === 0 || d.every((x) => x.startsWith('skip:'))) u.say('2019');
        else if (d[0]!.startsWith('m:')) {
          u.tap(m, d[0]!);
          const again = await u.redrawn(m); // a toggle edits the keyboard in place
          u.tap(again, datas(again).find((x) => x.startsWith('md:'))!);
        } else if (d[0]!.startsWith('th:')) {
          u.tap(m, d[0]!);
          const again = await u.redrawn(m);
          u.tap(again, 'thd');
        } else u.tap(m, d.find((x) => /:3$/.test(x)) ?? d.find((x) => x.endsWith(':yes')) ?? d[0]!);
      }
      const rows = await until(
        () => answers(u),
        (r) => r.length >= 17,
      );
      expect(new Set(rows.map((r) => r.indicator).filter((i) => i !== null)).size).toBe(14);
      // The default pilot's background questions (age band, residence status, months here) carry no indicator or colour.
      const background = rows.filter((r) => ['age_band', 'residence_status', 'months_in_nl'].includes(r.question_id));
      expect(background).toHaveLength(3);
      expect(background.every((r) => r.indicator === null && r.outcome === null && r.traffic_light === null)).toBe(true);
      expect(rows.every((r) => r.language === lang && r.channel === 'telegram')).toBe(true);
      expect(JSON.stringify(rows)).not.toContain(String(u.id));
      const sentText = fake
        .sentTo(u.id)
        .map((x) => x.text ?? '')
        .join('\n');
      expect(sentText).toMatch(lang === 'ar' ? /[\u0600-\u06FF]/ : /[\u0400-\u04FF]/);
    });
  }

  it('answers invalid input calmly and keeps the question', async () => {
    const u = new User('en');
    await consent(u, 'en');
    u.say('the year I arrived');
    // One message: the issue, then the question again.
    const [reply] = await u.replies(1);
    expect(reply!.text).toMatch(/could not read that date[\s\S]*Question 1 of/);
    await new Promise((r) => setTimeout(r, 200));
    expect(fake.sentTo(u.id).at(-1)).toEqual(reply);
    expect(await answers(u)).toEqual([]);
  });

  it('shows a tapped answer as a toast, leaves the question as asked, records a double tap once', async () => {
    const u = new User('en');
    const q1 = await consent(u, 'en');
    u.say('2018');
    const yesno = await u.prompt();
    u.tap(yesno, 'a:work_has_paid_work:yes');
    u.tap(yesno, 'a:work_has_paid_work:yes'); // double tap
    const scale = await u.prompt();
    expect(datas(scale)).toContain('a:work_fair:10');
    const toast = await fake.waitForCall((c) => c.method === 'answerCallbackQuery' && c.params.text === '✓ Yes');
    expect(toast.params.callback_query_id).toBeDefined();
    // No edit: it would cost a message of Telegram's budget (see acknowledge in bot.ts).
    expect(fake.calls.filter((c) => c.method.startsWith('edit'))).toEqual([]);
    expect(fake.sentTo(u.id).find((x) => x.message_id === yesno.message_id)).toEqual(yesno);
    u.tap(q1, 'skip:arrival_year'); // an old keyboard
    const [stale] = await u.replies(1);
    expect(stale!.text).toMatch(/belongs to an earlier question/);
    const rows = await until(
      () => answers(u),
      (r) => r.length >= 2,
    );
    expect(rows.map((r) => [r.question_id, r.value_choices ?? r.value_date, r.revision])).toEqual([
      ['arrival_year', '2018', 1],
      ['work_has_paid_work', '["yes"]', 1],
    ]);
    expect(fake.calls.filter((c) => c.method === 'answerCallbackQuery').length).toBeGreaterThanOrEqual(3);
  });

  it('replies calmly to every kind it cannot use, stores media answers, and ignores groups', async () => {
    const u = new User('en');
    await consent(u, 'en');
    for (const extra of [
      { sticker: { file_id: 's', file_unique_id: 'us', type: 'regular', width: 1, height: 1, is_animated: false, is_video: false } },
      { location: { latitude: 1, longitude: 2 } },
      { contact: { phone_number: '+31600000001', first_name: 'x' } },
      { dice: { emoji: '🎲', value: 3 } },
      {
        poll: {
          id: 'p',
          question: 'q',
          options: [],
          total_voter_count: 0,
          is_closed: false,
          is_anonymous: true,
          type: 'regular',
          allows_multiple_answers: false,
        },
      },
    ] as Array<Partial<Message>>) {
      u.send(extra);
      const [reply] = await u.replies(1);
      expect(reply!.text).toMatch(/cannot use this kind of message[\s\S]*Question 1 of/);
    }
    fake.pushUpdate({
      edited_message: {
        message_id: 1,
        date: 1,
        edit_date: 2,
        chat: { id: u.id, type: 'private', first_name: 'x' },
        from: { id: u.id, is_bot: false, first_name: 'x' },
        text: 'edited',
      } as never,
    });
    expect((await u.replies(1))[0]!.text).toMatch(/cannot use this kind of message/);
    fake.pushUpdate({
      message: {
        message_id: 5,
        date: 1,
        chat: { id: -42, type: 'group', title: 'g' },
        from: { id: u.id, is_bot: false, first_name: 'x' },
        text: '/start',
      } as never,
    });
    fake.pushUpdate({ channel_post: { message_id: 6, date: 1, chat: { id: -43, type: 'channel', title: 'c' }, text: 'post' } as never });
    // a voice note answers the closing open question later; here it is not a date
    u.send({ voice: { file_id: 'VOICE-1', file_unique_id: 'UV1', duration: 4, mime_type: 'audio/ogg', file_size: 9000 } });
    expect((await u.replies(1))[0]!.text).toMatch(/please tap a button or type/);
    expect(fake.sentTo(-42)).toEqual([]);
    expect(fake.sentTo(-43)).toEqual([]);
    u.say('2017');
    await u.prompt();
    u.tap(fake.sentTo(u.id).at(-1)!, 'a:work_has_paid_work:no');
    await u.prompt(); // housing scale
    u.tap(fake.sentTo(u.id).at(-1)!, 'a:housing_suitable:8');
    await u.prompt(); // housing_why: the scale method asks everyone, also a high score
    u.say('Big enough for us');
    await u.prompt(); // housing_suitable_step_up
    u.say('A garden');
    await u.prompt(); // education
    u.tap(fake.sentTo(u.id).at(-1)!, 'a:education_access:finished');
    const health = await u.prompt();
    u.tap(health, 'a:health_access:2');
    await u.prompt(); // health_why (open question)
    const file = fake.addFile(voiceNote(7, 'telegram-e2e'), 'voice/file_2.oga');
    u.send({ voice: { file_id: file.file_id, file_unique_id: file.file_unique_id, duration: 7, mime_type: 'audio/ogg', file_size: file.file_size } });
    await u.prompt(); // the next question comes at once; the voice note is processed in the background
    const rows = await until(
      () => answers(u),
      (r) => r.some((a) => a.question_id === 'health_why'),
    );
    const voice = rows.find((r) => r.question_id === 'health_why')!;
    expect(voice).toMatchObject({ modality: 'voice', media_kind: 'voice' });
    const ref = await app.db.selectFrom('answers').select('media_ref').where('id', '=', voice.answer_id).executeTakeFirstOrThrow();
    expect(JSON.parse(ref.media_ref!)).toEqual({
      kind: 'voice',
      fileRef: file.file_id,
      uniqueId: file.file_unique_id,
      size: file.file_size,
      mimeType: 'audio/ogg',
      durationSeconds: 7,
    });
    // The worker fetched it through getFile, probed it, and (no STT_URL here) says transcripts are off.
    const done = await until(
      () => app.db.selectFrom('answers_v2').selectAll().where('answer_id', '=', voice.answer_id).executeTakeFirstOrThrow(),
      (r) => r.media_status !== 'pending',
      15_000,
    );
    expect(done).toMatchObject({ media_status: 'ready', transcript_status: 'off', translation_status: 'off' });
    expect(done.media_duration_seconds).toBeCloseTo(7, 0);
  });

  it('records a redelivered message once', async () => {
    const u = new User('en');
    await consent(u, 'en');
    const update = u.say('2016');
    fake.pushUpdate({ message: update.message! }); // same message, new update_id
    await u.prompt();
    await new Promise((r) => setTimeout(r, 200));
    const rows = await answers(u);
    expect(rows.map((r) => r.question_id)).toEqual(['arrival_year']);
  });

  it('handles /language, /stop, /start and /delete mid-survey', async () => {
    const u = new User('en');
    await consent(u, 'en');
    u.say('/language');
    const langs = await u.prompt();
    u.tap(langs, 'lang:nl');
    const again = await u.prompt();
    expect(again.text).toMatch(/Vraag 1 van/);
    u.say('/stop');
    expect((await u.replies(1))[0]!.text).toMatch(/gestopt/i);
    u.say('2015');
    expect((await u.replies(1))[0]!.text).toMatch(/gestopt/i);
    u.say('/start');
    await u.prompt();
    u.say('2015');
    await u.prompt();
    u.say('/delete');
    const confirm = await u.prompt();
    u.tap(confirm, 'erase:yes');
    await u.replies(1);
    const rid = app.handler.respondentIdFor('telegram', String(u.id));
    const left = await until(
      () => app.db.selectFrom('answers').select('id').where('respondent_id', '=', rid).execute(),
      (r) => r.length === 0,
    );
    expect(left).toEqual([]);
    expect(await app.db.selectFrom('contacts').select('address').where('address', '=', String(u.id)).execute()).toEqual([]);
  });

  it('rides out a 429 storm: every reply arrives, in order', async () => {
    const u = new User('en');
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, 3);
    u.say('/start');
    const langPrompt = await u.prompt();
    expect(datas(langPrompt)).toContain('lang:en');
    expect(fake.rateLimited).toBe(3);
    u.tap(langPrompt, 'lang:en');
    const consentPrompt = await u.prompt();
    expect(datas(consentPrompt)).toEqual(['consent:yes', 'consent:no']);
    expect(
      await until(
        () => app.db.selectFrom('outbox').selectAll().execute(),
        (r) => r.length === 0,
      ),
    ).toEqual([]);
  }, 20_000);

  it('rides out a storm of 429s from a rate-limited API: every respondent gets every reply', async () => {
    fake.setRateLimit(4);
    const users = Array.from({ length: 6 }, () => new User('en'));
    for (const u of users) u.say('/start');
    const prompts = await Promise.all(users.map((u) => u.prompt()));
    for (const [i, u] of users.entries()) u.tap(prompts[i]!, 'lang:en');
    const consents = await Promise.all(users.map((u) => u.prompt()));
    expect(consents.map((m) => datas(m))).toEqual(users.map(() => ['consent:yes', 'consent:no']));
    expect(fake.rateLimited).toBeGreaterThan(0);
    expect(
      await until(
        () => app.db.selectFrom('outbox').selectAll().execute(),
        (r) => r.length === 0,
      ),
    ).toEqual([]);
  }, 30_000);
});

describe('Telegram webhook', () => {
  it('accepts updates only with the right secret', async () => {
    const hookFake = await FakeBotApi.start();
    const secret = 'a'.repeat(32);
    const hook = await startTestApp(
      {
        TELEGRAM_BOT_TOKEN: hookFake.token,
        TELEGRAM_API_ROOT: hookFake.url,
        TELEGRAM_WEBHOOK_URL: 'https://bot.example.org/telegram/hook',
        TELEGRAM_WEBHOOK_SECRET: secret,
      },
      { telegramBotInfo: hookFake.botInfo },
    );
    try {
      const set = await hookFake.waitForCall((c) => c.method === 'setWebhook');
      expect(set.params).toMatchObject({ url: 'https://bot.example.org/telegram/hook', secret_token: secret });
      const update = {
        update_id: 1,
        message: {
          message_id: 1,
          date: 1_767_600_000,
          chat: { id: 77, type: 'private', first_name: 'x' },
          from: { id: 77, is_bot: false, first_name: 'x', language_code: 'ti' },
          text: '/start',
        },
      };
      const post = (headers: Record<string, string>) =>
        fetch(`${hook.url}/telegram/hook`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(update) });
      expect((await post({})).status).toBe(401);
      expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong'.padEnd(32, 'x') })).status).toBe(401);
      expect(await hook.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
      expect((await post({ 'x-telegram-bot-api-secret-token': secret })).status).toBe(200);
      const sent = await hookFake.waitForCall((c) => c.method === 'sendMessage' && c.params.chat_id === 77);
      expect(String(sent.params.text)).toMatch(/[\u1200-\u137F]/);
      expect(hookFake.calls.some((c) => c.method === 'getUpdates')).toBe(false);
    } finally {
      await hook.dispose();
      await hookFake.close();
    }
  });
});
