/**
 * Fresh, migrated databases for the store figures: a SQLite file in the temp folder, or a
 * schema of its own in the PostgreSQL database of BENCH_DATABASE_URL (dropped afterwards, so
 * the bench needs only the right to create a schema, not a database).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectRawPostgres, type RawPostgres } from '../../storage/raw-drivers.ts';
import { describeDatabase, migrateToLatest, openPostgres, openSqlite, type Db } from '../../storage/database.ts';

export interface BenchDatabase {
  db: Db;
  dispose(): Promise<void>;
}

export async function sqliteBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-'));
  const db = openSqlite(join(dir, 'bench.sqlite'));
  await migrated(db);
  return {
    db,
    dispose: async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function postgresBenchDatabase(url: string): Promise<BenchDatabase> {
  const scoped = await postgresBenchSchema(url);
  const db = openPostgres(scoped.url, 20);
  await migrated(db);
  return {
    db,
    dispose: async () => {
      await db.destroy();
      await scoped.dispose();
    },
  };
}

/** A fresh schema and a DATABASE_URL that uses it (for a bot process the bench spawns). */
export async function postgresBenchSchema(url: string): Promise<{ url: string; dispose(): Promise<void> }> {
  const schema = `stemmen_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    let client: RawPostgres | undefined;
    try {
      client = await connectRawPostgres(url);
      await client.query(q);
    } catch (e) {
      throw new Error(`BENCH_DATABASE_URL (${describeDatabase({ databaseUrl: url, databaseFile: '' })}): ${(e as Error).message}`);
    } finally {
      await client?.end();
    }
  };
  await admin(`create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  return { url: scoped.toString(), dispose: () => admin(`drop schema ${schema} cascade`) };
}

async function migrated(db: Db): Promise<void> {
  const { error } = await migrateToLatest(db);
  if (error) throw error;
}
