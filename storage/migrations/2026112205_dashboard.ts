/**
 * Dashboard users and sessions, API tokens, the follow-up queue with its audit log, and an
 * indexes for counting the traffic-light map from the index alone and for paging exports.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('email', 'text', (c) => c.notNull().unique())
    .addColumn('role', 'text', (c) => c.notNull())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // The cookie holds a random token; only its SHA-256 is stored, so a copied table opens no session.
  await db.schema
    .createTable('auth_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('auth_sessions_expires').on('auth_sessions').column('expires_at').execute();

  await db.schema
    .createTable('login_failures')
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('failed_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('login_failures_key').on('login_failures').columns(['key', 'failed_at']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();

  // Cascades with the respondent: erasure removes their follow-up cases too.
  await db.schema
    .createTable('followup_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('rsvp', 'text')
    .addColumn('notes', 'text', (c) => c.notNull())
    .addColumn('assignee_id', 'text', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('invitation', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('followup_cases_unique', ['pilot_code', 'respondent_id', 'indicator'])
    .execute();

  // No foreign keys: the log outlives erased respondents and removed users; it holds no answers.
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_log_case').on('audit_log').columns(['case_id', 'at']).execute();

  // Covers the map and drill-down GROUP BYs (filters included), so they never touch the table rows.
  await db.schema
    .createIndex('answers_traffic')
    .on('answers')
    .columns(['pilot_code', 'indicator', 'traffic_light', 'outcome', 'language', 'channel', 'answered_at'])
    .execute();

  // Keyset pages of one pilot's answers (exports, read API) walk this index instead of sorting.
  await db.schema.createIndex('answers_pilot_id').on('answers').columns(['pilot_code', 'id']).execute();

  // Replace two indexes by wider ones, so an answer write still updates one index more than before:
  // (pilot_code, indicator) is a prefix of answers_traffic; and per-respondent lookups by
  // indicator and light (the follow-up queue) must not lose to answers_traffic in the planner.
  await db.schema.dropIndex('answers_pilot_indicator').execute();
  await db.schema.dropIndex('answers_respondent').execute();
  await db.schema.createIndex('answers_respondent_indicator').on('answers').columns(['respondent_id', 'pilot_code', 'indicator', 'traffic_light']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('answers_respondent_indicator').execute();
  await db.schema.createIndex('answers_respondent').on('answers').column('respondent_id').execute();
  await db.schema.createIndex('answers_pilot_indicator').on('answers').columns(['pilot_code', 'indicator']).execute();
  await db.schema.dropIndex('answers_pilot_id').execute();
  await db.schema.dropIndex('answers_traffic').execute();
  for (const t of ['audit_log', 'followup_cases', 'api_tokens', 'login_failures', 'auth_sessions', 'users']) await db.schema.dropTable(t).execute();
}
