/**
 * The wide table: one row per respondent and wave, one column per question (see
 * wide-columns.ts), written through csv.ts like every CSV. Skipped and not-asked questions
 * are empty cells; a multi-select answered gets 0/1 in each choice column. Line breaks in
 * typed answers become spaces, because SPSS and PSPP read one case per line (GET DATA
 * /DELCASE=LINE); answers.csv keeps the text exactly.
 * @module
 */
import type { Db } from '../../../storage/database.ts';
import { respondentWaves, type RespondentWave, type WideAnswer } from '../../../storage/respondent-answers.ts';
import { shownText } from '../shown.ts';
import { type CsvCell, csvLine, csvRows } from './csv.ts';
import type { WideColumn } from './wide-columns.ts';

function chosen(a: WideAnswer): string[] {
  if (a.value_choices === null) return [];
  const v = JSON.parse(a.value_choices) as unknown;
  return Array.isArray(v) ? v.map(String) : [];
}

/** One row: the latest answer per question wins (a person who restarted answered it again). */
export function wideRecord(pilot: string, columns: readonly WideColumn[], person: RespondentWave): CsvCell[] {
  const byQuestion = new Map<string, WideAnswer>();
  let last = person.answers[0]!;
  for (const a of person.answers) {
    const seen = byQuestion.get(a.question_id);
    if (!seen || a.answered_at >= seen.answered_at) byQuestion.set(a.question_id, a);
    if (a.answered_at >= last.answered_at) last = a;
  }
  return columns.map((c): CsvCell => {
    if (c.kind === 'meta') {
      if (c.field === 'respondent_id') return person.respondentId;
      if (c.field === 'wave') return person.wave;
      if (c.field === 'pilot_code') return pilot;
      return last[c.field];
    }
    const a = byQuestion.get(c.question.id);
    if (!a || a.skipped === 1) return null;
    switch (c.kind) {
      case 'number':
        return a.value_number;
      case 'code': {
        const id = chosen(a)[0];
        return c.codes.find((x) => x.choice.id === id)?.code ?? null;
      }
      case 'flag':
        return a.value_choices === null ? null : chosen(a).includes(c.choice.id) ? 1 : 0;
      case 'date':
        return a.value_date;
      case 'text': {
        const text = a.value_text ?? a.transcript;
        return text === null ? null : shownText(text).replace(/\r\n|[\r\n\u2028\u2029]/g, ' ');
      }
    }
  });
}

/** The wide CSV, chunk by chunk (one chunk per page of people). */
export async function* wideChunks(db: Db, pilot: string, columns: readonly WideColumn[], onPeople?: (n: number) => void): AsyncGenerator<string> {
  yield csvLine(columns.map((c) => c.name));
  for await (const page of respondentWaves(db, pilot)) {
    yield csvRows(page.map((p) => wideRecord(pilot, columns, p)));
    onPeople?.(page.length);
  }
}
