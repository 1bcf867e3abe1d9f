/**
 * Outbound pace against a Bot API that enforces 30 messages a second (the fake answers 429
 * beyond that): one reply each to `chats` respondents, delivered from the outbox by the real
 * Telegram channel — once with our pacing (TELEGRAM_SENDS_PER_SECOND, default 25) and once
 * without (grammY's auto-retry waits out each 429).
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createApp } from '../../bot/app.ts';
import { loadConfig } from '../../bot/config.ts';
import { FakeBotApi } from '../dev/fake-bot-api.ts';

const ROOT = join(import.meta.dirname, '../..');

export async function benchOutbound(
  chats: number,
  sendsPerSecond: number,
): Promise<{ chats: number; sendsPerSecond: number; achieved: number; rateLimited: number }> {
  const fake = await FakeBotApi.start();
  fake.setRateLimit(30);
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-out-'));
  const config = loadConfig(
    {
      DATA_DIR: dir,
      LOG_LEVEL: 'silent',
      TRYIT_ENABLED: '0',
      QUEUE_PREFIX: `out${process.pid}${Date.now().toString(36)}`,
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_SENDS_PER_SECOND: String(sendsPerSecond),
    },
    ROOT,
  );
  const app = await createApp(config, { logger: pino({ level: 'silent' }), telegramBotInfo: fake.botInfo });
  try {
    const now = new Date().toISOString();
    await app.store.transaction((tx) =>
      tx.enqueueOutbound(
        Array.from({ length: chats }, (_, i) => ({
          id: `o${i}`,
          respondentId: null,
          channel: 'telegram',
          address: String(600_000 + i),
          createdAt: now,
          position: i,
          payload: { text: `Question 1 of 17\n\nHow is it going, ${i}?`, language: 'en', dir: 'ltr' },
        })),
      ),
    );
    const t0 = performance.now();
    const sent = await app.delivery.flushAll();
    const seconds = (performance.now() - t0) / 1000;
    if (sent !== chats) throw new Error(`delivered ${sent} of ${chats}`);
    return { chats, sendsPerSecond, achieved: chats / seconds, rateLimited: fake.rateLimited };
  } finally {
    await app.close();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
