/**
 * The media pipeline's settings, mapped from the bot's config (workers/ never sees Config).
 * @module
 */
import type { Config } from './config.ts';
import type { MediaSettings } from '../workers/main.ts';

/** `overrides`: faster sweeps for tests. */
export function mediaSettings(config: Config, overrides: { sweepAfterMs?: number; sweepEveryMs?: number } = {}): MediaSettings {
  const sweepMs = config.workers.sweepSeconds * 1000;
  return {
    redis: { url: config.redis.url, prefix: config.redis.prefix },
    media: { dir: config.media.dir, maxBytes: config.media.maxBytes, maxSeconds: config.media.maxSeconds, retentionDays: config.media.retentionDays },
    workers: {
      inProcess: config.workers.inProcess,
      concurrency: config.workers.concurrency,
      lockSeconds: config.workers.lockSeconds,
      sweepAfterMs: overrides.sweepAfterMs ?? sweepMs,
      sweepEveryMs: overrides.sweepEveryMs ?? sweepMs,
    },
    telegram: config.telegram ? { token: config.telegram.token, apiRoot: config.telegram.apiRoot } : null,
    whatsappCloud: config.whatsappCloud ? { apiRoot: config.whatsappCloud.apiRoot, token: config.whatsappCloud.token } : null,
    stt: config.stt,
    mt: config.mt,
    phoneRegion: config.phoneDefaultRegion,
  };
}
