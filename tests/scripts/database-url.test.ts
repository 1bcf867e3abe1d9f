/**
 * The commands on PostgreSQL (DATABASE_URL), and what they say when it is wrong or down:
 * the database named without its password, the fix, no stack trace.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../../storage/migrations/index.ts';
import { ROOT } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

const exec = promisify(execFile);
let dir: string;
let testDb: TestDatabase;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-cli-pg-'));
  testDb = await createTestDatabase('postgres');
});
afterAll(async () => {
  await testDb.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function stemmen(args: string[], env: Record<string, string> = {}) {
  try {
    const r = await exec(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), ...args], { cwd: ROOT, env: { ...process.env, DATA_DIR: dir, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const x = e as { code: number; stdout: string; stderr: string };
    return { code: x.code, stdout: x.stdout, stderr: x.stderr };
  }
}

const DOWN = 'postgres://stemmen:hunter2-secret@127.0.0.1:1/stemmen';

describe('commands with DATABASE_URL', () => {
  it('migrate a PostgreSQL database (already migrated: up to date) and add a dashboard user to it', async () => {
    const r = await stemmen(['migrate'], testDb.env);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`up to date: ${testDb.location.databaseUrl}\n`);
    const add = await stemmen(['user', 'add', 'pg@example.org', '--role', 'researcher'], { ...testDb.env, STEMMEN_PASSWORD: 'a long test password' });
    expect(add.code).toBe(0);
    const db = testDb.open();
    try {
      expect(await db.selectFrom('users').select(['email', 'role']).execute()).toEqual([{ email: 'pg@example.org', role: 'researcher' }]);
      const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db);
      expect(applied.rows.map((m) => m.name)).toEqual(Object.keys(MIGRATIONS));
    } finally {
      await db.destroy();
    }
    expect((await stemmen(['user', 'list'], testDb.env)).stdout).toContain('pg@example.org');
    // No SQLite file was created beside it.
    expect(existsSync(join(dir, 'stemmen.sqlite'))).toBe(false);
  });

  it('say which database cannot be reached, without its password and without a stack trace', async () => {
    for (const args of [['migrate'], ['token', 'list'], ['user', 'list']]) {
      const r = await stemmen(args, { DATABASE_URL: DOWN });
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr).toContain('cannot open the database postgres://stemmen:***@127.0.0.1:1/stemmen');
      expect(r.stderr).toMatch(/ECONNREFUSED.*Check DATABASE_URL/);
      expect(r.stderr).not.toContain('hunter2');
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('refuse a DATABASE_URL that is not PostgreSQL, naming the variable but not its value', async () => {
    const r = await stemmen(['migrate'], { DATABASE_URL: 'mysql://root:hunter2@db/stemmen' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/DATABASE_URL=\(hidden\)/);
    expect(r.stderr).not.toContain('hunter2');
  });
});
