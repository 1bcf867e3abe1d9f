/**
 * What the hot paths of both databases (sqlite-hot-path.ts, postgres-hot-path.ts) share: an
 * answer as the parameters of one upsert statement (the columns in one fixed order, the
 * statement built for a placeholder style, the values built straight from the engine's
 * effect), the session update's columns, and the rows they read back.
 * @module
 */
import type { Selectable } from 'kysely';
import type { Channel } from '../surveys/channels.ts';
import type { Database, OutboxTable } from './schema.ts';
import type { AnswerEffect } from '../surveys/engine/types.ts';

/** The columns of an answer that answering again replaces (all but the question's identity). */
export const ANSWER_VALUES = [
  'value_number',
  'value_choices',
  'value_text',
  'value_date',
  'skipped',
  'media_kind',
  'media_ref',
  'language',
  'channel',
  'modality',
  'prompt_form',
  'traffic_light',
  'consent_version',
  'answered_at',
  'source_message_id',
  'media_status',
  'media_file',
  'media_sha256',
  'media_bytes',
  'media_type',
  'media_duration_seconds',
  'media_codecs',
  'media_error',
  'media_updated_at',
  'media_deleted_at',
  'transcript',
  'transcript_language',
  'transcript_status',
  'translations',
  'translation_status',
] as const;
const ANSWER_KEYS = [
  'id',
  'session_id',
  'respondent_id',
  'pilot_code',
  'survey_id',
  'survey_version',
  'question_id',
  'parent_question_id',
  'indicator',
  'outcome',
  'question_type',
  'revision',
  'wave',
] as const;
export const ANSWER_COLUMNS = [...ANSWER_KEYS, ...ANSWER_VALUES];

export type AnswerParam = string | number | null;

/** Where an answer belongs: its session, respondent, pilot, survey and channel, and how a typed answer is translated. */
export interface AnswerPlace {
  sessionId: string;
  respondentId: string;
  pilotCode: string;
  surveyId: string;
  surveyVersion: number;
  channel: Channel;
  wave?: number | undefined;
  /** For a typed answer: `pending` when the translation worker will translate it, `off` when MT_URL is unset. */
  translation?: 'pending' | 'off' | undefined;
}

/**
 * An answer's parameters for {@link upsertAnswerSqlWith}'s statement, in ANSWER_COLUMNS order, built without the
 * row object store-tx.ts gives kysely: spreading ~40 columns into one allocated ~40 KB per
 * answer, a third of everything the bot allocated under the cost bench. The same values as
 * there: one value column per kind, media results cleared, the translation status of a text.
 */
export function answerParams(a: AnswerEffect, ctx: AnswerPlace): AnswerParam[] {
  const v = a.value;
  const p: AnswerParam[] = [
    a.id,
    ctx.sessionId,
    ctx.respondentId,
    ctx.pilotCode,
    ctx.surveyId,
    ctx.surveyVersion,
    a.questionId,
    a.parentQuestionId,
    a.indicator,
    a.outcome,
    a.questionType,
    1,
    ctx.wave ?? 1,
    // value_number, value_choices, value_text, value_date, skipped, media_kind, media_ref
    v.kind === 'number' ? v.number : null,
    v.kind === 'choices' ? JSON.stringify(v.choices) : null,
    v.kind === 'text' ? v.text : v.kind === 'media' ? (v.caption ?? null) : null,
    v.kind === 'date' ? v.date : null,
    v.kind === 'skipped' ? 1 : 0,
    v.kind === 'media' ? v.media.kind : null,
    v.kind === 'media' ? JSON.stringify(v.media) : null,
    a.language,
    ctx.channel,
    a.modality,
    a.promptForm,
    a.traffic,
    a.consentVersion,
    a.answeredAt,
    a.sourceMessageId,
    v.kind === 'media' ? 'pending' : null,
  ];
  // media_file … translations: answering again starts the media pipeline over.
  for (let i = 0; i < 13; i++) p.push(null);
  p.push(v.kind === 'text' && ctx.translation ? ctx.translation : null);
  return p;
}

/** The upsert of one answer: answering the same question again replaces its values and bumps its revision. `placeholder(i)` for the i-th column (0-based). */
export function upsertAnswerSqlWith(placeholder: (i: number) => string): string {
  return (
    `insert into "answers" (${ANSWER_COLUMNS.map((c) => `"${c}"`).join(', ')}) values (${ANSWER_COLUMNS.map((_, i) => placeholder(i)).join(', ')}) ` +
    `on conflict ("session_id", "question_id") do update set ${ANSWER_VALUES.map((c) => `"${c}" = excluded."${c}"`).join(', ')}, ` +
    `"revision" = "answers"."revision" + 1 returning "id", "revision"`
  );
}

/** The columns `saveSession` updates, in the order of its update statement (reminder_due_at before them when given). */
export const SESSION_SET = ['phase', 'language', 'state', 'state_version', 'revision', 'updated_at', 'completed_at', 'channel'] as const;

/** An outbox row as the hot paths read it. */
export type OutboxRecord = Selectable<Database['outbox']>;

/** An outbox row as the hot paths insert it (attempts 0, no error yet). */
export type NewOutboxRow = Omit<OutboxTable, 'attempts' | 'last_error' | 'priority'> & { priority: number };
/** The session columns the handler reads per message. */
export type SessionRow = { id: string; pilot_code: string; revision: number; state: string; wave: number };
