/**
 * Conversations before campaigns, through real parts: a results campaign to many Telegram
 * chats runs from the campaigns queue (real Redis, real BullMQ worker) while a respondent
 * answers over real grammY against the fake Bot API. The respondent's replies are not queued
 * behind the campaign: asserted on the order of the sends the Bot API received, not on timing.
 */
import type { Message } from 'grammy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { CampaignRepository } from '../../storage/campaigns.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

let fake: FakeBotApi;
let app: TestApp;
const CHAT = 4242;
const TARGETS = 16;
const CAMPAIGN = 'results-default';

/** Chat ids of every message send, in the order the Bot API received them. */
const sends = (): number[] => fake.calls.filter((c) => c.method === 'sendMessage').map((c) => Number(c.params.chat_id));

async function until(ok: () => boolean, what: string, ms = 15_000): Promise<void> {
  for (const deadline = Date.now() + ms; !ok(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; sends: ${sends().join(',')}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Pushes the respondent's update and returns the sends from then until the reply's last message (`last`). */
async function turn(push: () => void, last: (m: Message) => boolean): Promise<number[]> {
  const from = sends().length;
  const mine = fake.sentTo(CHAT).length;
  push();
  await until(() => fake.sentTo(CHAT).slice(mine).some(last), 'the reply');
  const seq = sends().slice(from);
  return seq.slice(0, seq.lastIndexOf(CHAT) + 1);
}

beforeAll(async () => {
  fake = await FakeBotApi.start();
  app = await startTestApp(
    {
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TRYIT_ENABLED: '0',
      // A slow channel (500 ms apart, campaign messages 1 s), so sends are ordered by the pacer, not by chance.
      TELEGRAM_SENDS_PER_SECOND: '2',
      CAMPAIGN_PER_MINUTE: '600',
    },
    { telegramBotInfo: fake.botInfo },
  );
  // People who answered before and get the results now: a session on Telegram and an address each.
  const now = new Date().toISOString();
  for (let i = 0; i < TARGETS; i++) {
    const id = `r_campaign_${i}`;
    await app.store.transaction((tx) => tx.touchRespondent(id, 'telegram', String(9100 + i), now));
    await app.db
      .insertInto('sessions')
      .values({
        id: `s_campaign_${i}`,
        respondent_id: id,
        pilot_code: 'default',
        survey_id: 'default-pilot',
        survey_version: 1,
        channel: 'telegram',
        phase: 'completed',
        language: 'en',
        state: '{}',
        state_version: 1,
        revision: 1,
        started_at: now,
        updated_at: now,
        completed_at: now,
      })
      .execute();
  }
}, 30_000);
afterAll(async () => {
  await app?.dispose();
  await fake?.close();
});

describe('a campaign running while a respondent answers (Telegram)', () => {
  it("sends the respondent's replies before the campaign's waiting messages, none interleaved", async () => {
    fake.textUpdate(CHAT, '/start', 'en');
    await until(
      () => fake.sentTo(CHAT).some((m) => m.reply_markup?.inline_keyboard.flat().some((b) => 'callback_data' in b && b.callback_data === 'lang:en')),
      'the language prompt',
    );
    const langPrompt = fake.sentTo(CHAT).at(-1)!;

    const repo = new CampaignRepository(app.db, (c, a) => app.handler.suppressionKey(c, a));
    const now = new Date().toISOString();
    await repo.ensure(CAMPAIGN, 'default', 'results', { en: { text: 'What the survey found: …', language: 'en', dir: 'ltr' } }, now);
    const targets = Array.from({ length: TARGETS }, (_, i) => ({ targetKey: `r_campaign_${i}`, language: 'en', plannedAt: now }));
    await repo.planRespondents(CAMPAIGN, targets);
    await app.campaigns.plan(targets.map((t) => ({ job: { campaignId: CAMPAIGN, targetKey: t.targetKey }, delayMs: 0 })));
    const campaignSent = () => sends().filter((c) => c !== CHAT).length;
    await until(() => campaignSent() >= 2, 'the campaign to start');

    // Two turns, each answered with several messages, while the campaign keeps going.
    const turns: number[][] = [];
    turns.push(
      await turn(
        () => fake.callbackUpdate(CHAT, 'lang:en', langPrompt.message_id, 'en'),
        (m) => m.reply_markup?.inline_keyboard.flat().some((b) => 'callback_data' in b && b.callback_data === 'consent:yes') ?? false,
      ),
    );
    const consentPrompt = fake.sentTo(CHAT).at(-1)!;
    turns.push(
      await turn(
        () => fake.callbackUpdate(CHAT, 'consent:yes', consentPrompt.message_id, 'en'),
        (m) => /Question 1 of/.test(m.text ?? ''),
      ),
    );
    const during = campaignSent();
    await until(() => campaignSent() > during, 'the campaign to go on after the turns');

    for (const seq of turns) {
      const replies = seq.filter((c) => c === CHAT).length;
      const first = seq.indexOf(CHAT);
      // At most the campaign message that held the slot when the update came in goes first;
      // none comes between the reply's messages.
      expect(first).toBeLessThanOrEqual(1);
      expect(seq.slice(first)).toEqual(Array(replies).fill(CHAT));
    }
    // Each turn is one message now (bot/conversation/turn.ts): what is checked is that it goes
    // at most behind the one campaign message in flight, never behind the queued rest.
    expect(turns.map((seq) => seq.filter((c) => c === CHAT).length)).toEqual([1, 1]);
    expect(during).toBeLessThan(TARGETS);

    // The campaign rows were queued as campaign messages; the results went to the targets only.
    const rows = await app.db.selectFrom('campaign_targets').select('status').where('campaign_id', '=', CAMPAIGN).execute();
    expect(rows.filter((r) => r.status === 'sent').length).toBeGreaterThanOrEqual(during);
    expect(fake.sentTo(9100).map((m) => m.text)).toEqual(['What the survey found: …']);
  }, 60_000);
});
