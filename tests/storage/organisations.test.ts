import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Accounts } from '../../storage/accounts.ts';
import { migrateToLatest, type Db } from '../../storage/database.ts';
import { MIGRATIONS } from '../../storage/migrations/index.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('an upgrade puts every existing pilot in a default organisation and every user in it with the role they had', async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
    // Back to the last migration before organisations existed.
    const down = await migrator.migrateTo('2026120202_answer_issues');
    expect(down.error).toBeUndefined();
    expect(down.results?.find((r) => r.migrationName === '2026120203_organisations')).toMatchObject({ direction: 'Down', status: 'Success' });
    const now = '2026-11-20T10:00:00.000Z';
    await db.insertInto('pilots').values({ code: 'old', name: 'Old pilot', survey_id: 'default-pilot', survey_version: 1, created_at: now }).execute();
    for (const [id, role] of [
      ['u1', 'coordinator'],
      ['u2', 'admin'],
    ] as const) {
      await db
        .insertInto('users')
        .values({ id, email: `${id}@example.org`, role, password_hash: 'h', created_at: now, updated_at: now })
        .execute();
    }
    await migrateToLatest(db);
    expect(await db.selectFrom('pilots').select('organisation_id').where('code', '=', 'old').executeTakeFirstOrThrow()).toEqual({ organisation_id: 'default' });
    const users = await new Accounts(db).listUsers();
    expect(users.map((u) => [u.id, u.role, u.organisations])).toEqual([
      ['u1', 'coordinator', [{ organisationId: 'default', role: 'coordinator' }]],
      ['u2', 'admin', [{ organisationId: 'default', role: 'admin' }]],
    ]);
  });
});
