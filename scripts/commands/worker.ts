/**
 * `stemmen worker`: only the media workers, for more machines sharing Redis and the
 * database. Rejection notes go to the outbox; the bot process delivers them (its outbox
 * retry runs every 30 s): this process runs no channel.
 */
import pino from 'pino';
import type { Config } from '../../bot/config.ts';
import { mediaRejectionNotifier } from '../../bot/conversation/media-notes.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { Delivery } from '../../bot/delivery/outbox.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { mediaSettings } from '../../bot/media-settings.ts';
import { openMigrated } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { createMedia } from '../../workers/main.ts';
import { redactRedisUrl, redisAnswers, RedisUnavailableError } from '../../workers/redis.ts';
import { untilSignal } from './start.ts';

export async function runWorker(config: Config): Promise<number> {
  const log = pino({ level: config.logLevel });
  if (!(await redisAnswers(config.redis.url))) {
    throw new RedisUnavailableError(`No Redis answers at ${redactRedisUrl(config.redis.url)}. A worker shares the bot's Redis: set REDIS_URL to it.`);
  }
  const db = await openMigrated(config);
  const store = new Store(db);
  const renderer = new Renderer(createI18n(readLocales(config.localesDir)));
  const settings = mediaSettings(config);
  const delivery = new Delivery({ store, channels: new Map(), log });
  const notify = mediaRejectionNotifier({ store, renderer, limits: settings.media, delivery, log });
  const media = await createMedia({ ...settings, workers: { ...settings.workers, inProcess: true } }, { db, notify, now: () => new Date(), log });
  log.info({ redis: redactRedisUrl(config.redis.url), concurrency: config.workers.concurrency }, 'media workers running');
  process.stdout.write(`stemmen worker is running (${config.workers.concurrency} at a time). Stop: Ctrl+C\n`);
  await untilSignal((signal) => log.info({ signal }, 'shutting down; finishing jobs in hand'));
  await media.close();
  await db.destroy();
  return 0;
}
