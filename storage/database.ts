/**
 * Opening the store and migrating it: SQLite (the default, one file) or PostgreSQL (when
 * `DATABASE_URL` is set, for several processes). Both give the same `Db`; the schema is
 * written so the same queries run on both (text ids and timestamps, 0/1 booleans, JSON as text).
 * @module
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, sql, PostgresAdapter, PostgresDialect, SqliteDialect, type MigrationResultSet } from 'kysely';
import pg from 'pg';
import { MIGRATIONS } from './migrations/index.ts';
import type { Database } from './schema.ts';

export type Db = Kysely<Database>;

/** Where the store lives: a PostgreSQL URL, else the SQLite file. */
export interface DatabaseLocation {
  databaseUrl: string | null;
  databaseFile: string;
}

/** Opens the configured store (not yet migrated). */
export function openDatabase(location: DatabaseLocation): Db {
  return location.databaseUrl ? openPostgres(location.databaseUrl) : openSqlite(location.databaseFile);
}

/** The store's location for messages and logs, without a password. */
export function describeDatabase(location: DatabaseLocation): string {
  if (!location.databaseUrl) return location.databaseFile;
  const u = new URL(location.databaseUrl);
  if (u.password) u.password = '***';
  return u.toString();
}

/** True when `db` talks to PostgreSQL (several processes may share it). */
// biome-ignore lint/suspicious/noExplicitAny: any schema: only the dialect is read
export function isPostgres(db: Kysely<any>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

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
  // Checkpoint every ~32 MB of WAL instead of SQLite's 4 MB: under many answers at once the
  // same hot pages (sessions, outbox, index interiors) are in every batch, and each checkpoint
  // copied them back again; measured 0.58 → 0.53 ms bot CPU per answer (README, Cost per
  // answer). Checkpoints still fsync; the WAL file is cut back to 64 MB when it grew past it.
  database.pragma('wal_autocheckpoint = 8000');
  database.pragma('journal_size_limit = 67108864');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
  cachePreparedStatements(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
  if (file !== ':memory:') sqliteFiles.set(db, file);
  sqliteConnections.set(db, database);
  return db;
}

/** The better-sqlite3 connection behind each SQLite Db (for the store's prepared hot path). */
const sqliteConnections = new WeakMap<Db, SQLite.Database>();

/** The one connection of a Db opened by {@link openSqlite}; undefined for PostgreSQL (or a transaction). */
export function sqliteConnectionOf(db: Db): SQLite.Database | undefined {
  return sqliteConnections.get(db);
}

/**
 * kysely's SQLite driver prepares every query anew, and preparing cost more than running the
 * statement (issue 20's profile). The same SQL text gets the same prepared statement; one still
 * stepping (a streamed query) is never shared: a busy statement gets a fresh one.
 */
function cachePreparedStatements(database: SQLite.Database, max = 1000): void {
  const prepare = database.prepare.bind(database);
  const cache = new Map<string, SQLite.Statement>();
  database.prepare = ((source: string) => {
    const hit = cache.get(source);
    if (hit && !hit.busy) return hit;
    const fresh = prepare(source);
    if (!hit) {
      // Queries are built from a fixed set of shapes; `in (…)` lists of many lengths are what could grow it.
      if (cache.size >= max) cache.clear();
      cache.set(source, fresh);
    }
    return fresh;
  }) as typeof database.prepare;
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

// pg hands int8 (count(*), sum of integers) and numeric (sum of int8) back as strings; SQLite
// gives numbers. Our counts stay far below 2^53, so parse them here, for this pool only.
const INT8 = 20;
const NUMERIC = 1700;
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 || oid === NUMERIC ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

/** Opens a PostgreSQL database by URL (postgres://user:password@host:port/name). */
export function openPostgres(url: string, poolSize = 10): Db {
  const pool = new pg.Pool({ connectionString: url, max: poolSize, types });
  // An idle client losing its connection (server restart) must not crash the process; the
  // pool drops it and the next query opens a new one.
  pool.on('error', () => undefined);
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

export class MigrationError extends Error {
  override name = 'MigrationError';
}

/**
 * The one way the app and its commands open the store: opens the configured database and
 * migrates it; throws MigrationError naming the failed migration and the database.
 */
export async function openMigrated(location: DatabaseLocation): Promise<Db> {
  const db = openDatabase(location);
  const migrated = await migrateToLatest(db);
  if (migrated.error) {
    await db.destroy();
    const err = migrated.error as Error;
    const failed = migrated.results?.find((r) => r.status === 'Error')?.migrationName;
    // No failed step: the database could not be reached at all (wrong URL, server down, file not writable).
    throw new MigrationError(
      failed
        ? `database migration ${failed} failed on ${describeDatabase(location)}: ${err.message ?? String(err)}`
        : `cannot open the database ${describeDatabase(location)}: ${err.message ?? String(err)}. Check DATABASE_URL (or DATABASE_FILE) and that the server is running.`,
    );
  }
  return db;
}

/** Runs every pending migration. Returns kysely's result set; never throws for a failed step. */
export async function migrateToLatest(db: Db): Promise<MigrationResultSet> {
  // PostgreSQL: kysely looks for its migration tables in every schema; one in another schema of
  // the same database (a second installation, a bench's scratch schema) would be taken for ours.
  // Naming the schema we run in keeps the check to it (public, unless search_path says otherwise).
  let schema: string | undefined;
  if (isPostgres(db)) {
    try {
      schema = (await sql<{ s: string }>`select current_schema() as s`.execute(db)).rows[0]?.s;
    } catch (e) {
      return { error: e };
    }
  }
  const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS }, ...(schema ? { migrationTableSchema: schema } : {}) });
  const file = sqliteFiles.get(db);
  return file ? withFileLock(file, () => migrator.migrateToLatest()) : migrator.migrateToLatest();
}
