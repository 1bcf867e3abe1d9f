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
      const message = (error as Error).message ?? String(error);
      // No step failed: the database itself could not be reached.
      process.stderr.write(
        (results ?? []).some((r) => r.status === 'Error')
          ? `migration failed on ${describeDatabase(config)}: ${message}\n`
          : `cannot open the database ${describeDatabase(config)}: ${message}. Check DATABASE_URL (or DATABASE_FILE) and that the server is running.\n`,
      );
      return 1;
    }
    return 0;
  } finally {
    await db.destroy();
  }
}
