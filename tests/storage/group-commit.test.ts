import { mkdtempSync, readdirSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type SQLite from 'better-sqlite3';
import { sql, type Transaction } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqlite, sqliteConnectionOf, type Db } from '../../storage/database.ts';
import { GroupCommit } from '../../storage/group-commit.ts';
import type { Database } from '../../storage/schema.ts';

// A scratch table outside the app's schema: the group commit only needs a connection.
type Tx = Transaction<Database>;
const exec = (trx: Tx, query: string) => sql.raw(query).execute(trx);

/** SQLite's temporary files open in this process (unix names them etilqs_…, unlinked at once). */
function openTempFiles(): string[] {
  return readdirSync('/proc/self/fd')
    .map((fd) => {
      try {
        return readlinkSync(`/proc/self/fd/${fd}`);
      } catch {
        return '';
      }
    })
    .filter((target) => target.includes('etilqs_'));
}

describe('group commit (SQLite)', () => {
  let dir: string;
  let db: Db;
  let connection: SQLite.Database;
  let commit: GroupCommit;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'stemmen-gc-'));
    db = openSqlite(join(dir, 'db.sqlite'));
    connection = sqliteConnectionOf(db)!;
    // ~100 pages of rows that exist before any savepoint, so changing them all journals each page.
    connection.exec('create table t (id integer primary key, body text not null)');
    const insert = connection.prepare('insert into t (id, body) values (?, ?)');
    connection.transaction(() => {
      for (let i = 0; i < 200; i++) insert.run(i, 'x'.repeat(2000));
    })();
    commit = new GroupCommit(db, 100, connection);
  });
  afterEach(async () => {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  const bodies = () => connection.prepare('select id, body from t where id < 3 order by id').all();

  it('commits concurrent transactions together, each atomic and in order: a failing one is undone alone', async () => {
    const results = await Promise.allSettled([
      commit.run(async (trx) => {
        await exec(trx, `update t set body = 'first' where id = 0`);
        return 'a';
      }),
      commit.run(async (trx) => {
        await exec(trx, `update t set body = 'lost' where id = 1`);
        throw new Error('boom');
      }),
      commit.run(async (trx) => {
        // Sees the first one's write: same batch, applied in order.
        const seen = await sql<{ body: string }>`select body from t where id = 0`.execute(trx);
        await exec(trx, `update t set body = 'after ${seen.rows[0]!.body}' where id = 2`);
        return 'c';
      }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: new Error('boom') });
    expect(bodies()).toEqual([
      { id: 0, body: 'first' },
      { id: 1, body: 'x'.repeat(2000) },
      { id: 2, body: 'after first' },
    ]);
    expect(commit.stats).toEqual({ batches: 1, transactions: 3 });
  });

  // Reads Linux's /proc, as the project's machines and CI are.
  it('keeps a batch’s savepoint journal in memory, not in a temporary file', async () => {
    // Control: a savepoint in a transaction of its own journals to a file past 64 KiB, as SQLite does by default.
    connection.exec(`begin; savepoint s; update t set body = body || 'y'`);
    const outside = openTempFiles();
    connection.exec('release s; commit');
    expect(outside.length).toBeGreaterThan(0);

    let inside: string[] = ['not read'];
    await commit.run(async (trx) => {
      await exec(trx, `update t set body = body || 'y'`);
      inside = openTempFiles();
    });
    expect(inside).toEqual([]);
    expect(connection.prepare('select count(*) from t where body like ?').pluck().get('%yy')).toBe(200);
    // The connection's own setting is back after the batch.
    expect(connection.pragma('temp_store', { simple: true })).toBe(0);
  });
});
