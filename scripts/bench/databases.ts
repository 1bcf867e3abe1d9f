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
import pg from 'pg';
import { describeDatabase, migrateToLatest, openPostgres, openSqlite, type Db } from '../../storage/database.ts';

export interface BenchDatabase { db: Db; dispose(): Promise<void> }

export async function sqliteBenchDatabase(): Promise<BenchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-bench-'));
  const db = openSqlite(join(dir, 'bench.sqlite'));
  await migrated(db);
  return { db, dispose: async () => { await db.destroy(); rmSync(dir, { recursive: true, force: true }); } };
}

export async function postgresBenchDatabase(url: string): Promise<BenchDatabase> {
  const schema = `stemmen_bench_${randomBytes(5).toString('hex')}`;
  const admin = async (q: string) => {
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.query(q);
    } catch (e) {
      throw new Error(`BENCH_DATABASE_URL (${describeDatabase({ databaseUrl: url, databaseFile: '' })}): ${(e as Error).message}`);
    } finally {
      await client.end();
    }
  };
  await admin(`create schema ${schema}`);
  const scoped = new URL(url);
  scoped.searchParams.set('options', `-c search_path=${schema}`);
  const db = openPostgres(scoped.toString(), 20);
  await migrated(db);
  return { db, dispose: async () => { await db.destroy(); await admin(`drop schema ${schema} cascade`); } };
}

async function migrated(db: Db): Promise<void> {
  const { error } = await migrateToLatest(db);
  if (error) throw error;
}
