import { afterEach, describe, expect, it } from 'vitest';
import { TelegramLimits } from '../../scripts/dev/bot-api-limits.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';

describe("Telegram's limits in the fake Bot API", () => {
  it('allows one message a second per chat and N a second per bot, then answers 429 with retry_after', () => {
    let t = 10_000;
    const limits = new TelegramLimits({ perSecond: 3, perChatPerSecond: 1 }, () => t);
    const send = (chat: number) => limits.check('sendMessage', { chat_id: chat });
    expect(send(1)).toBeNull();
    expect(send(1)).toEqual({ error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    expect(send(2)).toBeNull();
    t += 400;
    expect(limits.check('editMessageText', { chat_id: 3 })).toBeNull(); // edits count
    expect(send(4)?.error_code).toBe(429); // the bot's 3 a second are used
    // Neither counts: a callback answer and a chat action are no messages.
    expect(limits.check('answerCallbackQuery', { callback_query_id: 'x' })).toBeNull();
    expect(limits.check('sendChatAction', { chat_id: 4 })).toBeNull();
    expect(limits.refused).toEqual({ global: 1, perChat: 1 });
    t += 601; // the first two sends are more than a second old
    expect(send(1)).toBeNull();
    expect(send(4)).toBeNull();
    expect(send(5)?.error_code).toBe(429);
    expect(limits.accepted).toBe(5);
  });

  describe('over HTTP', () => {
    let fake: FakeBotApi;
    afterEach(async () => {
      await fake.close();
    });

    it('answers a second message to the same chat within a second with 429, refused calls sending nothing', async () => {
      fake = await FakeBotApi.start();
      const limits = fake.enforceTelegramLimits();
      const send = async (chat: number, text: string) =>
        (
          await fetch(`${fake.url}/bot${fake.token}/sendMessage`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ chat_id: chat, text }),
          })
        ).json() as Promise<{ ok: boolean; error_code?: number; parameters?: { retry_after?: number } }>;
      expect((await send(1, 'one')).ok).toBe(true);
      const refused = await send(1, 'two');
      expect(refused).toMatchObject({ ok: false, error_code: 429, parameters: { retry_after: 1 } });
      expect((await send(2, 'other chat')).ok).toBe(true);
      expect(fake.sentTo(1).map((m) => m.text)).toEqual(['one']);
      expect(limits.refused.perChat).toBe(1);
      expect(fake.rateLimited).toBe(1);
    });
  });
});
