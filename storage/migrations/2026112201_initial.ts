/**
 * The initial schema. Written against `Kysely<any>` so it never depends on today's types.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('respondents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .execute();

  await db.schema
    .createTable('contacts')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contacts_pk', ['channel', 'address'])
    .execute();
  await db.schema.createIndex('contacts_respondent').on('contacts').column('respondent_id').execute();

  await db.schema
    .createTable('pilots')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('survey_version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('survey_version', 'integer', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('language', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('state_version', 'integer', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .addUniqueConstraint('sessions_respondent_pilot', ['respondent_id', 'pilot_code'])
    .execute();
  await db.schema.createIndex('sessions_respondent_updated').on('sessions').columns(['respondent_id', 'updated_at']).execute();

  await db.schema
    .createTable('answers')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('survey_version', 'integer', (c) => c.notNull())
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('parent_question_id', 'text')
    .addColumn('indicator', 'text')
    .addColumn('outcome', 'text')
    .addColumn('question_type', 'text', (c) => c.notNull())
    .addColumn('value_number', 'double precision')
    .addColumn('value_choices', 'text')
    .addColumn('value_text', 'text')
    .addColumn('value_date', 'text')
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('modality', 'text', (c) => c.notNull())
    .addColumn('prompt_form', 'text', (c) => c.notNull())
    .addColumn('traffic_light', 'text')
    .addColumn('consent_version', 'integer', (c) => c.notNull())
    .addColumn('answered_at', 'text', (c) => c.notNull())
    .addColumn('source_message_id', 'text', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull())
    .addColumn('media_kind', 'text')
    .addColumn('media_ref', 'text')
    .addColumn('media_status', 'text')
    .addUniqueConstraint('answers_session_question', ['session_id', 'question_id'])
    .execute();
  await db.schema.createIndex('answers_pilot_indicator').on('answers').columns(['pilot_code', 'indicator']).execute();
  await db.schema.createIndex('answers_respondent').on('answers').column('respondent_id').execute();

  await db.schema
    .createTable('consents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('theme', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('granted', 'integer', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('source_message_id', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('consents_respondent').on('consents').columns(['respondent_id', 'kind', 'theme']).execute();

  await db.schema
    .createTable('consent_declines')
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    .addColumn('consent_version', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('consent_declines_pk', ['pilot_code', 'survey_id', 'consent_version'])
    .execute();

  await db.schema
    .createTable('inbox')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('inbox_pk', ['channel', 'message_key'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('respondent_id', 'text', (c) => c.references('respondents.id').onDelete('cascade'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('outbox_order').on('outbox').columns(['created_at', 'position']).execute();

  // The stable contract for dashboards, R/Python/SPSS: add columns only in a new answers_v2.
  await db.schema
    .createView('answers_v1')
    .as(
      db
        .selectFrom('answers')
        .select([
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
        ]),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('answers_v1').execute();
  for (const t of ['outbox', 'inbox', 'consent_declines', 'consents', 'answers', 'sessions', 'pilots', 'contacts', 'respondents']) {
    await db.schema.dropTable(t).execute();
  }
}
