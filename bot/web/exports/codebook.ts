/**
 * The codebook of a survey: every question with its indicator, outcome and type, and the
 * label of every value in every language of the survey, read from the compiled survey and
 * the locale files.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import { choicesOf, type Survey } from '../../../surveys/model.ts';

export interface CodebookRow {
  question_id: string;
  parent_question_id: string;
  indicator: string;
  outcome: string;
  question_type: string;
  /** Empty for the question itself; else the stored value (choice id, or a scale end as a number). */
  value: string | number;
  labels: Record<string, string>;
}

export function codebookColumns(survey: Survey): string[] {
  return ['question_id', 'parent_question_id', 'indicator', 'outcome', 'question_type', 'value', ...survey.languages.map((l) => `label_${l}`)];
}

export function codebookRows(survey: Survey, i18n: I18n): CodebookRow[] {
  const label = (key: string) => Object.fromEntries(survey.languages.map((l) => [l, i18n.getFixedT(l)(key, { ns: survey.namespace, defaultValue: '' })]));
  const rows: CodebookRow[] = [];
  for (const q of survey.questions) {
    const base = { question_id: q.id, parent_question_id: q.parent ?? '', indicator: q.indicator ?? '', outcome: q.outcome ?? '', question_type: q.type };
    rows.push({ ...base, value: '', labels: label(q.textKey) });
    for (const c of choicesOf(q)) rows.push({ ...base, value: c.id, labels: label(c.textKey) });
    if (q.type !== 'scale') continue;
    rows.push({ ...base, value: q.min, labels: label(q.minLabelKey) });
    rows.push({ ...base, value: q.max, labels: label(q.maxLabelKey) });
  }
  return rows;
}

/** One CSV record; a scale end stays a number so a negative one is not escaped as a formula. */
export function codebookRecord(survey: Survey, r: CodebookRow): Array<string | number> {
  return [r.question_id, r.parent_question_id, r.indicator, r.outcome, r.question_type, r.value, ...survey.languages.map((l) => r.labels[l] ?? '')];
}
