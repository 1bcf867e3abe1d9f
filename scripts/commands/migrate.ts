/**
 * `stemmen migrate`: applies pending migrations and prints one line per migration.
 */
import type { Config } from '../../bot/config.ts';
import { describeDatabase, migrateToLatest, openDatabase } from '../../storage/database.ts';

export async function runMigrate(config: Config): Promise<number> {
  const db = openDatabase(config);
  try {
    const { error, results } = await migrateToLatest(db);
    for (const r of results ?? []) process.stdout.write(`${r.status.padEnd(11)} ${r.migrationName}\n`);
    if ((results ?? []).length === 0 && !error) process.stdout.write(`up to date: ${describeDatabase(config)}\n`);
    if (error) {
      process.stderr.write(`migration failed on ${describeDatabase(config)}: ${(error as Error).message ?? String(error)}\n`);
      return 1;
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
