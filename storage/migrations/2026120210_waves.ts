/**
 * Repeated waves: a pilot measures again, and every session and answer says which wave it
 * belongs to. Rows from before are wave 1. `answers_v3` is `answers_v2` plus `wave`;
 * `answers_v1` and `answers_v2` stay exactly as documented.
 */
import type { Kysely } from 'kysely';

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
  // The wave comparison groups by (indicator, respondent, wave) within a pilot's two waves.
  await db.schema.createIndex('answers_wave_people').on('answers').columns(['pilot_code', 'wave', 'indicator', 'respondent_id', 'traffic_light']).execute();
  await db.schema
    .createView('answers_v3')
    .as(db.selectFrom('answers').select([...V2_COLUMNS, 'wave']))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('answers_v3').execute();
  await db.schema.dropIndex('answers_wave_people').execute();
  await db.schema.alterTable('answers').dropColumn('wave').execute();
  await db.schema.alterTable('sessions').dropColumn('wave').execute();
  await db.schema.dropTable('pilot_waves').execute();
}
