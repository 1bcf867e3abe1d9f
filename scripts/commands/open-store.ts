/**
 * Opening the migrated store for a one-off command, with a clear error when migration fails.
 */
import { MigrationError } from '../../bot/app.ts';
import type { Config } from '../../bot/config.ts';
import { migrateToLatest, openSqlite, type Db } from '../../storage/database.ts';

export async function openMigrated(config: Config): Promise<Db> {
  const db = openSqlite(config.databaseFile);
  const { error, results } = await migrateToLatest(db);
  if (error) {
    await db.destroy();
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`database migration ${failed} failed on ${config.databaseFile}: ${(error as Error).message ?? String(error)}`);
  }
  return db;
}
