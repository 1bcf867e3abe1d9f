/**
 * `stemmen start`: runs the app until SIGINT/SIGTERM, then closes it cleanly.
 */
import { createApp } from '../../bot/app.ts';
import type { Config } from '../../bot/config.ts';

export async function runStart(config: Config): Promise<number> {
  const app = await createApp(config);
  const url = await app.listen();
  const shown = url.replace('127.0.0.1', 'localhost');
  app.log.info({ database: config.databaseFile }, 'store ready');
  process.stdout.write(`\nstemmen is running.\n  Try it:  ${shown}/try\n  Dashboard: ${shown}/ (first user: stemmen user add <email> --role admin)\n  Data:    ${config.dataDir}\n  Stop:    Ctrl+C\n\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      app.log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
  await app.close();
  return 0;
}
