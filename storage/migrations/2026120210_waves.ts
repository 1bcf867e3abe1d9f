/**
 * Repeated waves: a pilot measures again, and every session and answer says which wave it
 * belongs to. Rows from before are wave 1. `answers_v3` is `answers_v2` plus `wave`;
 * `answers_v1` and `answers_v2` stay exactly as documented. A respondent now has one session
 * per pilot and wave, so the unique constraint gains `wave`.
 */
import { PostgresAdapter, sql, type Kysely } from 'kysely';

/** `answers_v2`'s columns in its order, written out: a migration must not change when later code does. */
const V2_COLUMNS = [
  'id as answer_id',
  'respondent_id',
  'pilot_code',
  'survey_id',
  'survey_version',
  'question_id',
  'parent_question_id',
  'indicator',
  'outcome',
  'question_type',
  'value_number',
  'value_choices',
  'value_text',
  'value_date',
  'skipped',
  'language',
  'channel',
  'modality',
  'prompt_form',
  'traffic_light',
  'consent_version',
  'answered_at',
  'source_message_id',
  'revision',
  'media_kind',
  'media_status',
  'media_duration_seconds',
  'media_error',
  'transcript',
  'transcript_language',
  'transcript_status',
  'translations',
  'translation_status',
] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('pilot_waves')
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('wave', 'integer', (c) => c.notNull())
    .addColumn('opens_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    // Who opened it (the CLI's operator, free text) and why: for the pilot's own records.
    .addColumn('created_by', 'text')
    .addColumn('notes', 'text')
    .addPrimaryKeyConstraint('pilot_waves_pk', ['pilot_code', 'wave'])
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('wave', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await db.schema
    .alterTable('answers')
    .addColumn('wave', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  await replaceSessionUnique(db, ['respondent_id', 'pilot_code'], ['respondent_id', 'pilot_code', 'wave']);
  // The wave comparison groups by (indicator, respondent) over a pilot's two waves: in index order, no table rows read.
  await db.schema.createIndex('answers_wave_people').on('answers').columns(['pilot_code', 'indicator', 'respondent_id', 'wave', 'traffic_light']).execute();
  await db.schema
    .createView('answers_v3')
    .as(db.selectFrom('answers').select([...V2_COLUMNS, 'wave']))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('answers_v3').execute();
  await db.schema.dropIndex('answers_wave_people').execute();
  await db.schema.alterTable('answers').dropColumn('wave').execute();
  // Fails while a respondent has sessions in two waves of a pilot: remove those first.
  await replaceSessionUnique(db, ['respondent_id', 'pilot_code', 'wave'], ['respondent_id', 'pilot_code']);
  await db.schema.alterTable('sessions').dropColumn('wave').execute();
  await db.schema.dropTable('pilot_waves').execute();
}

const constraintName = (columns: readonly string[]) => (columns.includes('wave') ? 'sessions_respondent_pilot_wave' : 'sessions_respondent_pilot');

/**
 * Swaps the sessions table's unique constraint. PostgreSQL alters it in place; SQLite cannot
 * drop a table constraint, so the table is rebuilt from its own CREATE statement (the
 * documented 12-step procedure: foreign keys off, copy, drop, rename, indexes again, check).
 */
async function replaceSessionUnique(db: Kysely<any>, from: readonly string[], to: readonly string[]): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) {
    await db.schema.alterTable('sessions').dropConstraint(constraintName(from)).execute();
    await db.schema
      .alterTable('sessions')
      .addUniqueConstraint(constraintName(to), [...to])
      .execute();
    return;
  }
  const quoted = (cols: readonly string[]) => cols.map((c) => `"${c}"`).join(', ');
  const { rows } = await sql<{ type: string; sql: string }>`select type, sql from sqlite_master where tbl_name = 'sessions' and sql is not null`.execute(db);
  const table = rows.find((r) => r.type === 'table')!.sql;
  const old = `constraint "${constraintName(from)}" unique (${quoted(from)})`;
  if (!table.includes(old)) throw new Error(`sessions table has no ${old}; its definition is ${table}`);
  const create = table
    .replace(old, `constraint "${constraintName(to)}" unique (${quoted(to)})`)
    .replace(/^CREATE TABLE "sessions"/i, 'CREATE TABLE "sessions_rebuilt"');
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql.raw(create).execute(db);
    await sql`insert into sessions_rebuilt select * from sessions`.execute(db);
    await sql`drop table sessions`.execute(db);
    await sql`alter table sessions_rebuilt rename to sessions`.execute(db);
    for (const r of rows) if (r.type === 'index') await sql.raw(r.sql).execute(db);
    const broken = await sql`pragma foreign_key_check`.execute(db);
    if (broken.rows.length > 0) throw new Error(`rebuilding sessions broke ${broken.rows.length} foreign key(s)`);
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}
