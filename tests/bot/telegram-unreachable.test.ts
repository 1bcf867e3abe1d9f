/**
 * A chat that blocked the bot (or whose account is gone, or that Telegram does not know)
 * answers the same on every retry: Delivery drops every row queued for it after one try,
 * marks the contact unreachable and counts it on the funnel. A transient answer (500, a 429
 * longer than auto-retry waits) keeps the row for the retry timer, as before. Real grammY
 * over HTTP against the fake Bot API, on SQLite and PostgreSQL (the address lock is a
 * transaction there, so the drop runs inside it).
 */
import { Api } from 'grammy';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../bot/channels/telegram/outbound.ts';
import { Delivery } from '../../bot/delivery/outbox.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import type { Db } from '../../storage/database.ts';
import { funnelCounts } from '../../storage/funnel.ts';
import { Store } from '../../storage/store.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const NOW = '2026-12-02T10:00:00.000Z';
const CHAT = 4242;
const OTHER = 4343;

describe.each(STORE_KINDS)('%s', (kind) => {
  let fake: FakeBotApi;
  let tdb: TestDatabase;
  let db: Db;
  let store: Store;
  let delivery: Delivery;
  let logs: Array<Record<string, unknown>>;

  beforeEach(async () => {
    fake = await FakeBotApi.start();
    tdb = await createTestDatabase(kind);
    db = tdb.open();
    store = new Store(db);
    logs = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    // No auto-retry here: a 500 then fails at once instead of backing off for minutes.
    const channel = new TelegramChannel(new Api(fake.token, { apiRoot: fake.url }), '123456', store);
    delivery = new Delivery({ store, channels: new Map([['telegram', channel]]), log, now: () => new Date(NOW) });
    await store.pilots.ensure('p', 'Pilot', 'default-pilot', 1, NOW);
    for (const [rid, chat] of [
      ['r1', CHAT],
      ['r2', OTHER],
    ] as const) {
      await db.insertInto('respondents').values({ id: rid, created_at: NOW, last_seen_at: NOW, language: 'nl' }).execute();
      await db
        .insertInto('contacts')
        .values({ channel: 'telegram', address: String(chat), respondent_id: rid, created_at: NOW, updated_at: NOW })
        .execute();
      await db
        .insertInto('sessions')
        .values({
          id: `s-${rid}`,
          respondent_id: rid,
          pilot_code: 'p',
          survey_id: 'default-pilot',
          survey_version: 1,
          channel: 'telegram',
          phase: 'questions',
          language: 'nl',
          state: '{}',
          state_version: 1,
          revision: 1,
          started_at: NOW,
          updated_at: NOW,
          completed_at: null,
        })
        .execute();
    }
  });
  afterEach(async () => {
    await db.destroy();
    await tdb.dispose();
    await fake.close();
  });

  const queue = (chat: number, rid: string, texts: string[]) =>
    store.transaction((tx) =>
      delivery.enqueue(
        tx,
        texts.map((text, i) => ({
          id: `${rid}-${i}-${Math.random().toString(36).slice(2)}`,
          respondentId: rid,
          channel: 'telegram' as const,
          address: String(chat),
          payload: { text, language: 'nl', dir: 'ltr' },
          createdAt: NOW,
        })),
      ),
    );
  const outbox = (chat: number) =>
    db.selectFrom('outbox').select(['id', 'attempts', 'last_error']).where('address', '=', String(chat)).orderBy('created_at').orderBy('position').execute();
  const sends = (chat: number) => fake.calls.filter((c) => c.method === 'sendMessage' && Number(c.params.chat_id) === chat).length;
  const unreachableCount = async () => (await funnelCounts(db, 'p')).reduce((n, r) => n + r.unreachable, 0);

  for (const why of ['blocked', 'deactivated', 'not_found'] as const) {
    it(`a chat answering "${why}" loses all its queued rows after one try, is marked unreachable and counted once`, async () => {
      fake.blockChat(CHAT, why);
      await queue(CHAT, 'r1', ['first', 'second', 'third']);
      await queue(OTHER, 'r2', ['for someone else']);

      expect(await delivery.flush('telegram', String(CHAT))).toBe(0);
      expect(sends(CHAT)).toBe(1);
      expect(await outbox(CHAT)).toEqual([]);
      expect(await store.isUnreachable('telegram', String(CHAT))).toBe(true);
      expect(await unreachableCount()).toBe(1);
      // Logged by the pseudonymous id, never the chat id.
      const line = logs.find((l) => l.msg === 'recipient unreachable; queued messages dropped, no retry');
      expect(line).toMatchObject({ respondent: 'r1', reason: why, dropped: 3 });
      expect(JSON.stringify(logs)).not.toContain(String(CHAT));

      // The retry timer's pass tries nobody twice; the other person's reply still goes out.
      await delivery.flushAll();
      expect(sends(CHAT)).toBe(1);
      expect(fake.sentTo(OTHER).map((m) => m.text)).toEqual(['for someone else']);
      expect(await store.isUnreachable('telegram', String(OTHER))).toBe(false);

      // A later row (say, an expiry note) fails again: dropped, but not counted twice.
      await queue(CHAT, 'r1', ['later']);
      await delivery.flush('telegram', String(CHAT));
      expect(await outbox(CHAT)).toEqual([]);
      expect(await unreachableCount()).toBe(1);
    });
  }

  it('a transient 500 or a long 429 keeps the row for the retry timer, and the contact reachable', async () => {
    fake.failNext('sendMessage', { error_code: 500, description: 'Internal Server Error' });
    await queue(CHAT, 'r1', ['first', 'second']);
    expect(await delivery.flush('telegram', String(CHAT))).toBe(0);
    expect(await outbox(CHAT)).toMatchObject([{ attempts: 1 }, { attempts: 0 }]);
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 300', parameters: { retry_after: 300 } });
    expect(await delivery.flush('telegram', String(CHAT))).toBe(0);
    expect(await outbox(CHAT)).toMatchObject([{ attempts: 2 }, { attempts: 0 }]);
    expect(await store.isUnreachable('telegram', String(CHAT))).toBe(false);
    expect(await unreachableCount()).toBe(0);
    expect(await delivery.flush('telegram', String(CHAT))).toBe(2);
    expect(fake.sentTo(CHAT).map((m) => m.text)).toEqual(['first', 'second']);
  });
});
