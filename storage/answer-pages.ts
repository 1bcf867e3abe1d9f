/**
 * Reading a pilot's answers from the stable `answers_v2` view (answers_v1 plus media duration,
 * transcript and translations) in pages, ordered by answer id.
 *
 * Keyset pages rather than one long cursor: SQLite runs on one connection, and a cursor held
 * open for a million-row export would stall every inbound message until it finished.
 * @module
 */
import type { Db } from './database.ts';
import type { AnswersV2View } from './schema.ts';

export type AnswerRow = AnswersV2View;

/** Column order of exports and the read API: the documented answers_v2 contract (answers_v1's columns first). */
export const ANSWER_COLUMNS = [
  'answer_id',
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
] as const satisfies ReadonlyArray<keyof AnswerRow>;

export async function countAnswers(db: Db, pilot: string): Promise<number> {
  const r = await db
    .selectFrom('answers_v2')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('pilot_code', '=', pilot)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** One page of answers after `after` (exclusive; null for the first page). */
export async function answerPage(db: Db, pilot: string, after: string | null, limit: number): Promise<AnswerRow[]> {
  let q = db
    .selectFrom('answers_v2')
    .select([...ANSWER_COLUMNS])
    .where('pilot_code', '=', pilot);
  if (after !== null) q = q.where('answer_id', '>', after);
  return q.orderBy('answer_id').limit(limit).execute();
}

/** Every answer of a pilot, page by page. */
export async function* allAnswers(db: Db, pilot: string, pageSize = 1000): AsyncGenerator<AnswerRow[]> {
  let after: string | null = null;
  for (;;) {
    const page = await answerPage(db, pilot, after, pageSize);
    if (page.length === 0) return;
    yield page;
    after = page[page.length - 1]!.answer_id;
    if (page.length < pageSize) return;
  }
}
