/**
 * Serialising answer rows: CSV (RFC 4180, CRLF, UTF-8) and JSON Lines, column order as in
 * the answers_v2 contract.
 * @module
 */
import { ANSWER_COLUMNS, type AnswerRow } from '../../../storage/answer-pages.ts';

export type ExportFormat = 'csv' | 'jsonl';

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly unknown[]): string {
  return `${values.map(cell).join(',')}\r\n`;
}

export function answersHeader(format: ExportFormat): string {
  return format === 'csv' ? csvLine(ANSWER_COLUMNS) : '';
}

export function answerLines(rows: readonly AnswerRow[], format: ExportFormat): string {
  if (format === 'csv') return rows.map((r) => csvLine(ANSWER_COLUMNS.map((c) => r[c]))).join('');
  return rows.map((r) => `${JSON.stringify(Object.fromEntries(ANSWER_COLUMNS.map((c) => [c, r[c]])))}\n`).join('');
}
