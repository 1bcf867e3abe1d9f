/**
 * The media pipeline's results on each answer row, and `answers_v2`: the `answers_v1`
 * contract plus media duration, transcript and translations. `answers_v1` stays exactly as
 * documented, so tools written against it keep working.
 */
import type { Kysely } from 'kysely';

const COLUMNS: Array<[string, 'text' | 'integer' | 'double precision']> = [
  ['media_file', 'text'], // path of the original under MEDIA_DIR, named by us (sha256); null once deleted
  ['media_sha256', 'text'],
  ['media_bytes', 'integer'],
  ['media_type', 'text'], // the container we detected from the bytes (ogg, mp4, webm, …), not what the sender claimed
  ['media_duration_seconds', 'double precision'],
  ['media_codecs', 'text'],
  ['media_error', 'text'], // a reason code when failed or rejected
  ['media_updated_at', 'text'],
  ['media_deleted_at', 'text'], // retention removed the files; transcript and translations stay
  ['transcript', 'text'],
  ['transcript_language', 'text'],
  ['transcript_status', 'text'],
  ['translations', 'text'], // JSON object: language code → text
  ['translation_status', 'text'],
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const [name, type] of COLUMNS) await db.schema.alterTable('answers').addColumn(name, type).execute();
  await db.schema.createIndex('answers_media_status').on('answers').column('media_status').execute();
  await db.schema.createIndex('answers_media_sha256').on('answers').column('media_sha256').execute();
  await db.schema
    .createView('answers_v2')
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
          'media_duration_seconds',
          'media_error',
          'transcript',
          'transcript_language',
          'transcript_status',
          'translations',
          'translation_status',
        ]),
    )
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropView('answers_v2').execute();
  await db.schema.dropIndex('answers_media_sha256').execute();
  await db.schema.dropIndex('answers_media_status').execute();
  for (const [name] of [...COLUMNS].reverse()) await db.schema.alterTable('answers').dropColumn(name).execute();
}
