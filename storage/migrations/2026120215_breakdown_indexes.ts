/**
 * Breakdown by group looks up each respondent's latest answer to one background question in a
 * pilot (storage/breakdown.ts): `pilot_code, question_id` finds the question's rows without
 * walking the pilot's other answers, and `respondent_id, answered_at, revision` after them
 * answers the "is there a later answer?" probe from the index alone.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('answers_pilot_question_respondent')
    .on('answers')
    .columns(['pilot_code', 'question_id', 'respondent_id', 'answered_at', 'revision'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('answers_pilot_question_respondent').execute();
}
