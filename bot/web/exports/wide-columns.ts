/**
 * The columns of the wide table: a few fixed ones, then one per question (none for notes),
 * a multi-select as one 0/1 column per choice. Single and yes/no answers are numeric codes
 * (1, 2, … in choice order) so SPSS, Stata and R get labelled categories, not free strings.
 *
 * Variable names are what SPSS, R and Stata all accept: ASCII letters, digits and `_`,
 * starting with a letter, not a reserved word, at most 32 characters (Stata's limit, below
 * SPSS's 64) and unique ignoring case (SPSS and Stata compare names case-insensitively).
 * @module
 */
import type { Choice, Question, Survey } from '../../../surveys/model.ts';

export const MAX_NAME = 32;

/** Words SPSS (ALL … WITH) and Stata (byte … using) reserve; a question id equal to one gets `_v`. */
const RESERVED = new Set(
  'all and by eq ge gt le lt ne not or to with _all _b byte _coef _cons double float if in int long _n _pi _pred _rc _skip str strl using'.split(' '),
);

/** Choice ids that mean "no answer given on purpose": declared user-missing for SPSS. */
export const REFUSAL_CHOICE = /^(prefer_not|rather_not|no_answer|not_say|dont_know|don_t_know|refus|decline)/;

export type WideColumn =
  | { kind: 'meta'; name: string; field: 'respondent_id' | 'wave' | 'pilot_code' | 'survey_version' | 'language' | 'channel'; description: string }
  | { kind: 'number'; name: string; question: Question; integer: boolean }
  | { kind: 'code'; name: string; question: Question; codes: Array<{ code: number; choice: Choice }> }
  | { kind: 'flag'; name: string; question: Question; choice: Choice }
  | { kind: 'date'; name: string; question: Question }
  | { kind: 'text'; name: string; question: Question; maxLength: number };

const META: ReadonlyArray<Extract<WideColumn, { kind: 'meta' }>> = [
  { kind: 'meta', name: 'respondent_id', field: 'respondent_id', description: 'Pseudonymous respondent id (keyed hash; not a phone number or chat id)' },
  { kind: 'meta', name: 'wave', field: 'wave', description: 'Wave of the pilot the row belongs to (1 for a one-off survey)' },
  { kind: 'meta', name: 'pilot_code', field: 'pilot_code', description: 'Pilot the answers belong to' },
  { kind: 'meta', name: 'survey_version', field: 'survey_version', description: 'Survey version answered' },
  { kind: 'meta', name: 'language', field: 'language', description: 'Language the respondent answered in' },
  { kind: 'meta', name: 'channel', field: 'channel', description: 'telegram, whatsapp or tryit' },
];

/** A name safe for SPSS, R and Stata, built from `raw`; `taken` holds the lower-cased names used so far. */
export function safeName(raw: string, taken: Set<string>): string {
  let base = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '') // accents off: é → e
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (!/^[A-Za-z]/.test(base)) base = `v_${base}`.replace(/_+$/, '');
  if (RESERVED.has(base.toLowerCase())) base = `${base}_v`;
  base = base.slice(0, MAX_NAME).replace(/_+$/, '');
  let name = base;
  for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${base.slice(0, MAX_NAME - String(i).length - 1).replace(/_+$/, '')}_${i}`;
  taken.add(name.toLowerCase());
  return name;
}

export function wideColumns(survey: Survey): WideColumn[] {
  const taken = new Set<string>();
  const cols: WideColumn[] = META.map((m) => ({ ...m, name: safeName(m.name, taken) }));
  for (const q of survey.questions) {
    switch (q.type) {
      case 'note':
        break;
      case 'scale':
      case 'number':
        cols.push({ kind: 'number', name: safeName(q.id, taken), question: q, integer: q.type === 'scale' || q.integer });
        break;
      case 'single':
      case 'yesno':
        cols.push({ kind: 'code', name: safeName(q.id, taken), question: q, codes: q.choices.map((choice, i) => ({ code: i + 1, choice })) });
        break;
      case 'multi':
        for (const choice of q.choices) cols.push({ kind: 'flag', name: safeName(`${q.id}_${choice.id}`, taken), question: q, choice });
        break;
      case 'date':
        cols.push({ kind: 'date', name: safeName(q.id, taken), question: q });
        break;
      case 'text':
      case 'media':
        cols.push({ kind: 'text', name: safeName(q.id, taken), question: q, maxLength: q.maxLength });
        break;
    }
  }
  return cols;
}
