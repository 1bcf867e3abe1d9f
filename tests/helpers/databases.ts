/**
 * A fresh, migrated database per test, on SQLite (a temp file) or PostgreSQL (a database of
 * its own on the server at 127.0.0.1:5432, dropped afterwards), so the storage contract tests
 * run unchanged against both.
 *
 * When no PostgreSQL answers, the PostgreSQL variants fail with how to start one: a suite
 * that silently skipped them would claim a contract nobody checked.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrateToLatest, openDatabase, type DatabaseLocation, type Db } from '../../storage/database.ts';

export type StoreKind = 'sqlite' | 'postgres';
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

const PG_HOST = '127.0.0.1';
const PG_PORT = 5432;
/** Trust auth: the cluster's superuser is `postgres` (Debian) or the login user (`root` here and in CI). */
const PG_USERS = ['postgres', 'root'];

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

let adminUser: Promise<string> | undefined;

async function admin<T>(fn: (client: pg.Client) => Promise<T>, user?: string): Promise<T> {
  const client = new pg.Client({ host: PG_HOST, port: PG_PORT, user: user ?? (await findAdminUser()), database: 'postgres' });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function findAdminUser(): Promise<string> {
  adminUser ??= (async () => {
    const errors: string[] = [];
    for (const user of PG_USERS) {
      try {
        await admin(async (c) => c.query('select 1'), user);
        return user;
      } catch (e) {
        errors.push(`${user}: ${(e as Error).message}`);
      }
    }
    throw new Error(
      `PostgreSQL tests need a server on ${PG_HOST}:${PG_PORT} with trust auth for user ${PG_USERS.join(' or ')} (${errors.join('; ')}). ` +
        'Start it with `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or install it with `apt-get install postgresql`.',
    );
  })();
  return adminUser;
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
  const user = await findAdminUser();
  const name = `stemmen_t_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const location = { databaseUrl: `postgres://${user}@${PG_HOST}:${PG_PORT}/${name}`, databaseFile: '' };
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
