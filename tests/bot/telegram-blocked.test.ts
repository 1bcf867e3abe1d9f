/**
 * Blocking through the whole app: real grammY long-polling the fake Bot API. Telegram's
 * my_chat_member "kicked" marks the person unreachable at once (queued rows dropped, the
 * funnel and the dashboard count it; reminders and campaigns skip them), "member" makes them
 * reachable again, and so does any message from them. The webhook subscribes to it too.
 */
import type { Message } from 'grammy/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { CampaignRepository } from '../../storage/campaigns.ts';
import { funnelCounts } from '../../storage/funnel.ts';
import { ReminderRepository } from '../../storage/reminders.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';

let fake: FakeBotApi;
let app: TestApp;
let nextUser = 5000;

beforeEach(async () => {
  fake = await FakeBotApi.start();
  // One person is a group large enough to show here, so the dashboard's funnel shows them.
  app = await startTestApp(
    { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TRYIT_ENABLED: '0', MAP_MIN_RESPONDENTS: '1' },
    { telegramBotInfo: fake.botInfo },
  );
});
afterEach(async () => {
  await app.dispose();
  await fake.close();
});

async function until<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`not reached within ${ms} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Waits for the bot's next message with buttons to this chat, after `seen` messages. */
async function prompt(chat: number, seen: number): Promise<Message> {
  const sent = await until(
    async () => fake.sentTo(chat),
    (s) => s.slice(seen).some((m) => m.reply_markup?.inline_keyboard.length),
  );
  const m = sent.slice(seen).findLast((x) => x.reply_markup?.inline_keyboard.length);
  if (!m) throw new Error(`no prompt to ${chat}: ${JSON.stringify(sent.map((x) => x.text?.slice(0, 40)))}`);
  return m;
}

/** A person who chose Dutch and consented; returns their chat id. */
async function consented(): Promise<number> {
  const chat = ++nextUser;
  fake.textUpdate(chat, '/start', 'nl');
  const lang = await prompt(chat, 0);
  fake.callbackUpdate(chat, 'lang:nl', lang.message_id, 'nl');
  const consent = await prompt(chat, fake.sentTo(chat).length);
  fake.callbackUpdate(chat, 'consent:yes', consent.message_id, 'nl');
  await until(
    async () => app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid(chat)).executeTakeFirst(),
    (s) => s !== undefined && !['language', 'consent'].includes(s.phase),
  );
  await until(
    async () => app.db.selectFrom('outbox').select('id').execute(),
    (rows) => rows.length === 0,
  );
  return chat;
}

const rid = (chat: number) => app.handler.respondentIdFor('telegram', String(chat));
const unreachableSince = async (chat: number) =>
  (await app.db.selectFrom('contacts').select('unreachable_since').where('address', '=', String(chat)).executeTakeFirstOrThrow()).unreachable_since;
const queued = (chat: number) => app.db.selectFrom('outbox').select('id').where('address', '=', String(chat)).execute();
const funnelUnreachable = async () => (await funnelCounts(app.db, 'default')).reduce((n, r) => n + r.unreachable, 0);
const queue = (chat: number, text: string) =>
  app.store.transaction((tx) =>
    app.delivery.enqueue(tx, [
      {
        id: `q-${chat}-${text}`,
        respondentId: rid(chat),
        channel: 'telegram',
        address: String(chat),
        payload: { text, language: 'nl', dir: 'ltr' },
        createdAt: new Date().toISOString(),
      },
    ]),
  );

describe('a person who blocks the bot', () => {
  it('polls for my_chat_member; "kicked" drops their queue and marks them, reminders and campaigns skip them, "member" undoes it', async () => {
    const poll = await fake.waitForCall((c) => c.method === 'getUpdates');
    expect(poll.params.allowed_updates).toContain('my_chat_member');

    const chat = await consented();
    await queue(chat, 'waiting in the outbox');
    fake.blockChat(chat);
    fake.chatMemberUpdate(chat, 'kicked');
    expect(
      await until(
        () => unreachableSince(chat),
        (v) => v !== null,
      ),
    ).not.toBeNull();
    expect(await queued(chat)).toEqual([]);
    expect(fake.calls.some((c) => c.method === 'sendMessage' && c.params.text === 'waiting in the outbox')).toBe(false);
    expect(await funnelUnreachable()).toBe(1);

    // A reminder planned before the block is not sent.
    const session = await app.db.selectFrom('sessions').select(['id', 'revision']).where('respondent_id', '=', rid(chat)).executeTakeFirstOrThrow();
    const reminders = new ReminderRepository(app.db, (c, a) => app.handler.suppressionKey(c, a));
    const reminder = await reminders.sendReminder({
      sessionId: session.id,
      revision: session.revision,
      step: 0,
      now: new Date().toISOString(),
      build: () => [{ id: 'rem-1', payload: { text: 'Hallo weer', language: 'nl', dir: 'ltr' } }],
      outbox: app.delivery,
    });
    expect(reminder.outcome).toBe('unreachable');
    // Nor are the pilot's results.
    const campaigns = new CampaignRepository(app.db, (c, a) => app.handler.suppressionKey(c, a));
    await campaigns.ensure('results-default', 'default', 'results', { nl: { text: 'De resultaten', language: 'nl', dir: 'ltr' } }, new Date().toISOString());
    await campaigns.planRespondents('results-default', [{ targetKey: rid(chat), language: 'nl', plannedAt: new Date().toISOString() }]);
    expect(await campaigns.send('results-default', rid(chat), new Date().toISOString(), () => 'c-1', app.delivery)).toEqual({ outcome: 'unreachable' });
    expect(await queued(chat)).toEqual([]);

    // The dashboard's funnel shows it.
    await createUser(app.db, 'admin@example.org', 'admin');
    const browser = new Browser(app.server);
    await browser.login('admin@example.org');
    const page = (await browser.get('/')).body;
    expect(page).toContain('<th>Blocked the bot</th>');
    expect(page).toContain('<td data-unreachable>1</td>');

    fake.unblockChat(chat);
    fake.chatMemberUpdate(chat, 'member');
    expect(
      await until(
        () => unreachableSince(chat),
        (v) => v === null,
      ),
    ).toBeNull();
    // Counted when it happened: unblocking does not uncount.
    expect(await funnelUnreachable()).toBe(1);
  }, 30_000);

  it('a failed send marks them; their next message makes them reachable and is answered', async () => {
    const chat = await consented();
    fake.blockChat(chat);
    await queue(chat, 'after the block');
    await app.delivery.flush('telegram', String(chat));
    expect(await unreachableSince(chat)).not.toBeNull();
    expect(await queued(chat)).toEqual([]);

    fake.unblockChat(chat);
    const seen = fake.sentTo(chat).length;
    fake.textUpdate(chat, '/help', 'nl');
    expect(
      await until(
        () => unreachableSince(chat),
        (v) => v === null,
      ),
    ).toBeNull();
    const replies = await until(
      async () => fake.sentTo(chat).slice(seen),
      (m) => m.length > 0,
    );
    expect(replies[0]?.text).toContain('OVERSLAAN');
  }, 30_000);
});

describe('Telegram webhook', () => {
  it('subscribes to my_chat_member and handles it', async () => {
    const hookFake = await FakeBotApi.start();
    const secret = 'b'.repeat(32);
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
      expect(set.params.allowed_updates).toContain('my_chat_member');
      const now = new Date().toISOString();
      await hook.db.insertInto('respondents').values({ id: 'r-hook', created_at: now, last_seen_at: now, language: null }).execute();
      await hook.db.insertInto('contacts').values({ channel: 'telegram', address: '88', respondent_id: 'r-hook', created_at: now, updated_at: now }).execute();
      const bot = { id: hookFake.botInfo.id, is_bot: true, first_name: 'Bot' };
      const update = {
        update_id: 1,
        my_chat_member: {
          chat: { id: 88, type: 'private', first_name: 'x' },
          from: { id: 88, is_bot: false, first_name: 'x' },
          date: 1_767_600_000,
          old_chat_member: { status: 'member', user: bot },
          new_chat_member: { status: 'kicked', user: bot, until_date: 0 },
        },
      };
      const res = await fetch(`${hook.url}/telegram/hook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
        body: JSON.stringify(update),
      });
      expect(res.status).toBe(200);
      // The webhook answer waits for the handler, so the mark is stored by now.
      const c = await hook.db.selectFrom('contacts').select('unreachable_since').where('address', '=', '88').executeTakeFirstOrThrow();
      expect(c.unreachable_since).not.toBeNull();
    } finally {
      await hook.dispose();
      await hookFake.close();
    }
  });
});
