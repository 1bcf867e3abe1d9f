/**
 * Login throttling as one counter row per key (email, client address) and window, raised by
 * one atomic upsert that returns the new count. Counting before the password is checked is
 * what keeps parallel attempts inside the limit: the old `login_failures` rows were counted
 * first and written after the (slow) password check, so 40 concurrent tries all saw zero.
 * The old rows are only minutes of throttling state, so they are not carried over.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_attempts')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_attempts_window').on('login_attempts').column('window_start').execute();
  await db.schema.dropTable('login_failures').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key', 'failed_at']).execute();
  await db.schema.dropTable('login_attempts').execute();
}
