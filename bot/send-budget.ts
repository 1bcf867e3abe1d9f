/**
 * The channels' sending budgets, one per channel, shared by every process of the installation
 * through Redis (workers/pacing.ts); each falls back to this process's own pacer while Redis
 * does not answer. Built by the composition root and injected into the channels.
 * @module
 */
import type { Logger } from 'pino';
import { RedisPacer } from '../workers/pacing.ts';
import { Pacer, type SendPacer } from './channels/pacer.ts';

export class SendBudgets {
  private readonly pacers: RedisPacer[] = [];

  constructor(
    private readonly settings: {
      redis: { url: string; prefix: string };
      campaignShare: number;
      /** A keyed hash of a chat (Pseudonymizer.paceKey): addresses never appear in Redis. */
      chatKey: (channel: string, chat: string) => string;
      log: Logger;
    },
  ) {}

  /** The budget of `channel`: `perMinute` sends over all chats, `perChatGapMs` apart per chat. */
  for(channel: string, pace: { perChatGapMs: number; perMinute: number }): SendPacer {
    const { redis, campaignShare, chatKey, log } = this.settings;
    const pacer = new RedisPacer({
      url: redis.url,
      prefix: redis.prefix,
      channel,
      ...pace,
      campaignShare,
      chatKey: (chat) => chatKey(channel, chat),
      fallback: new Pacer({ ...pace, campaignShare }),
      log,
    });
    this.pacers.push(pacer);
    return pacer;
  }

  async close(): Promise<void> {
    await Promise.all(this.pacers.map((p) => p.close()));
  }
}
