/**
 * Opening the store and migrating it.
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, type MigrationResultSet } from 'kysely';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/**
 * Opens a SQLite database file (created with its folder when absent) in WAL mode, or an
 * in-memory one for ':memory:'.
 */
export function openSqlite(file: string): Db {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const database = new SQLite(file);
  database.pragma('journal_mode = WAL');
  // WAL + synchronous=FULL: every commit is durable on power loss, not just on a crash.
  database.pragma('synchronous = FULL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  if (file !== ':memory:') sqliteFiles.set(db, file);
  return db;
}

/** The file behind each SQLite Db, for the cross-process migration lock. */
const sqliteFiles = new WeakMap<Db, string>();

/**
 * Runs `fn` while holding an exclusive lock shared by every process on this machine: a
 * write transaction on a small side database next to the store. kysely's migration lock is a
 * no-op on SQLite (it assumes one connection), so a bot and a worker starting together would
 * otherwise both create the same tables.
 */
async function withFileLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = new SQLite(`${file}.migrate-lock`);
  lock.pragma('busy_timeout = 120000');
  try {
    lock.exec('BEGIN EXCLUSIVE');
    try {
      return await fn();
    } finally {
      lock.exec('COMMIT');
    }
  } finally {
    lock.close();
  }
}

/** Runs every pending migration. Returns kysely's result set; never throws for a failed step. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
  const file = sqliteFiles.get(db);
  return file ? withFileLock(file, () => migrator.migrateToLatest()) : migrator.migrateToLatest();
}
