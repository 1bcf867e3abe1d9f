/**
 * Answer issues as data: how often each question's input was not accepted, by issue code
 * (not a number, out of range, stale button…), so a survey author sees which question
 * confuses people. Counts only: no respondent, no text, no time.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('answer_issues')
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('survey_id', 'text', (c) => c.notNull())
    // '' when the input came outside a question (language, consent, erase confirmation…).
    .addColumn('question_id', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('answer_issues_pk', ['pilot_code', 'survey_id', 'question_id', 'code'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('answer_issues').execute();
}
