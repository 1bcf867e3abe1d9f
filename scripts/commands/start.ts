/**
 * `stemmen start`: makes sure Redis runs (starting a private one when it can), runs the app
 * until SIGINT/SIGTERM, then closes it cleanly.
 */
import { join } from 'node:path';
import { createApp } from '../../bot/app.ts';
import type { Config } from '../../bot/config.ts';
import { describeDatabase } from '../../storage/database.ts';
import { ensureRedis, redactRedisUrl } from '../../workers/redis.ts';

export async function runStart(config: Config): Promise<number> {
  const redis = await ensureRedis(config.redis.url, join(config.dataDir, 'redis'), { log: (m) => process.stdout.write(`${m}\n`) });
  try {
    const app = await createApp(config);
    const url = await app.listen();
    const shown = url.replace('127.0.0.1', 'localhost');
    app.log.info(
      { database: describeDatabase(config), redis: redactRedisUrl(config.redis.url), workers: config.workers.inProcess ? 'in process' : 'apart' },
      'store ready',
    );
    process.stdout.write(
      `\nstemmen is running.\n  Try it:    ${shown}/try\n  Dashboard: ${shown}/ (first user: stemmen user add <email> --role admin)\n  Queues:    ${shown}/admin/queues\n  Data:      ${config.dataDir}\n  Stop:      Ctrl+C\n\n`,
    );
    await untilSignal((signal) => app.log.info({ signal }, 'shutting down'));
    await app.close();
  } finally {
    await redis.stop();
  }
  return 0;
}

export function untilSignal(onSignal: (signal: string) => void): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      onSignal(signal);
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
