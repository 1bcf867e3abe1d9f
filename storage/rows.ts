/**
 * Row mappers between domain values and the columns that hold them. Columns stay plain
 * (text, numbers, JSON as text) so the published views and other readers keep working; the
 * types above them live here.
 * @module
 */
import { isChannel, type Channel } from '../surveys/channels.ts';
import type { AnswerValue, MediaRef } from '../surveys/engine/types.ts';

/** A `channel` column read back; anything else is a corrupt row, reported by its value. */
export function channelFromRow(text: string): Channel {
  if (isChannel(text)) return text;
  throw new Error(`unknown channel "${text}" in the database; expected one of telegram, whatsapp, tryit`);
}

/** The value columns of an `answers` row (the published views `answers_v1`/`answers_v2` read these). */
export interface AnswerValueColumns {
  value_number: number | null;
  value_choices: string | null;
  value_text: string | null;
  value_date: string | null;
  skipped: number;
  media_kind: string | null;
  media_ref: string | null;
}

const EMPTY: AnswerValueColumns = {
  value_number: null,
  value_choices: null,
  value_text: null,
  value_date: null,
  skipped: 0,
  media_kind: null,
  media_ref: null,
};

/** An answer's value as columns: one column per kind, a media caption in `value_text`, choices as JSON text. */
export function answerValueToRow(v: AnswerValue): AnswerValueColumns {
  switch (v.kind) {
    case 'number':
      return { ...EMPTY, value_number: v.number };
    case 'choices':
      return { ...EMPTY, value_choices: JSON.stringify(v.choices) };
    case 'date':
      return { ...EMPTY, value_date: v.date };
    case 'text':
      return { ...EMPTY, value_text: v.text };
    case 'media':
      return { ...EMPTY, value_text: v.caption, media_kind: v.media.kind, media_ref: JSON.stringify(v.media) };
    case 'skipped':
      return { ...EMPTY, skipped: 1 };
  }
}

/** The inverse of {@link answerValueToRow}; a row matching no kind is corrupt and named by its columns. */
export function answerValueFromRow(r: AnswerValueColumns): AnswerValue {
  if (r.skipped) return { kind: 'skipped' };
  if (r.media_ref !== null) return { kind: 'media', media: JSON.parse(r.media_ref) as MediaRef, caption: r.value_text };
  if (r.value_number !== null) return { kind: 'number', number: r.value_number };
  if (r.value_choices !== null) return { kind: 'choices', choices: JSON.parse(r.value_choices) as string[] };
  if (r.value_date !== null) return { kind: 'date', date: r.value_date };
  if (r.value_text !== null) return { kind: 'text', text: r.value_text };
  throw new Error('answer row has no value in any value column and is not skipped');
}
