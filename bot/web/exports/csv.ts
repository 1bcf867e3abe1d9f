/**
 * Every CSV the project writes goes through here: csv-stringify, RFC 4180, CRLF, UTF-8.
 *
 * Text that a spreadsheet would run as a formula (a cell starting with = + - @, a tab or a
 * carriage return, also their full-width forms) gets a leading `'` (`escape_formulas`), so a
 * respondent's `=HYPERLINK(…)` stays text when a researcher opens the file in Excel. Numbers
 * must be passed as numbers: csv-stringify leaves those alone, so -5 stays -5 for R and SPSS.
 * @module
 */
import { stringify } from 'csv-stringify/sync';

export type CsvCell = string | number | bigint | boolean | null | undefined;

export interface CsvOptions {
  /** A UTF-8 byte-order mark first, so Excel reads Arabic and Ge'ez script right. */
  bom?: boolean;
  /** Also quote cells that start or end with white space, so editors keep it. */
  quoteSpaces?: boolean;
}

export function csvRows(rows: ReadonlyArray<ReadonlyArray<CsvCell>>, o: CsvOptions = {}): string {
  return stringify(rows as CsvCell[][], {
    record_delimiter: 'windows',
    escape_formulas: true,
    bom: o.bom === true,
    cast: { boolean: (b) => (b ? '1' : '0') },
    ...(o.quoteSpaces ? { quoted_match: /^\s|\s$/ } : {}),
  });
}

export function csvLine(values: ReadonlyArray<CsvCell>): string {
  return csvRows([values]);
}

/** The leading `'` that escaping put before a formula-like cell, removed again when we read our own tables back. */
export function unescapeFormula(cell: string): string {
  return /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(cell) ? cell.slice(1) : cell;
}
