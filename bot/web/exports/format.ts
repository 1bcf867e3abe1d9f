/**
 * Serialising answer rows: CSV (csv.ts: RFC 4180, CRLF, UTF-8, formulas escaped in text cells)
 * and JSON Lines, column order as in the answers_v2 contract.
 * @module
 */
import { ANSWER_COLUMNS, type AnswerRow } from '../../../storage/answer-pages.ts';
import { shownRow } from '../shown.ts';
import { type CsvCell, csvLine, csvRows } from './csv.ts';

export type ExportFormat = 'csv' | 'jsonl';

export function answersHeader(format: ExportFormat): string {
  return format === 'csv' ? csvLine(ANSWER_COLUMNS) : '';
}

/** Text columns are scrubbed of personal details (bot/web/shown.ts); the database keeps the original. */
export function answerLines(page: readonly AnswerRow[], format: ExportFormat): string {
  const rows = page.map(shownRow);
  if (format === 'csv') return rows.length === 0 ? '' : csvRows(rows.map((r) => ANSWER_COLUMNS.map((c) => r[c] as CsvCell)));
  return rows.map((r) => `${JSON.stringify(Object.fromEntries(ANSWER_COLUMNS.map((c) => [c, r[c]])))}\n`).join('');
}
