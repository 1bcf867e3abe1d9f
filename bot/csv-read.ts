/**
 * Reads a CSV file as people's spreadsheets write it, with csv-parse: UTF-8 with or without a
 * byte-order mark, separated by `,`, `;` (Excel with Dutch settings) or tab, CRLF or LF.
 * Every record keeps the line it starts on, and every error names `file:line` and the fix.
 *
 * The separator is the one the header line uses, not any of the three anywhere: a Dutch file
 * does not quote a comma in a name or a translation, which would otherwise split the cell.
 * @module
 */
import { parse } from 'csv-parse/sync';
import { unescapeFormula } from './web/exports/csv.ts';
import { UsageError } from './usage-error.ts';

export interface TableRow {
  /** `file:line` of the record's first line. */
  place: string;
  cells: Record<string, string>;
}
export interface CsvTable {
  headers: string[];
  rows: TableRow[];
  delimiter: ',' | ';' | '\t';
}

const DELIMITERS = [',', ';', '\t'] as const;

/** The separator the header line uses most, outside quotes; a comma when it has none. */
export function headerDelimiter(text: string): CsvTable['delimiter'] {
  const counts = new Map<string, number>();
  let quoted = false;
  for (const c of text.replace(/^\uFEFF/, '')) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === '\n' || c === '\r')) break;
    else if (!quoted) counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let best: CsvTable['delimiter'] = ',';
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (counts.get(best) ?? 0)) best = d;
  return best;
}

/** Line numbers of byte offsets, asked in increasing order (one pass over the file). */
function lineCounter(buf: Buffer): (offset: number) => number {
  let at = 0,
    line = 1;
  return (offset) => {
    for (; at < offset && at < buf.length; at++) if (buf[at] === 0x0a) line++;
    // A record starts after the empty lines before it.
    let l = line;
    for (let i = at; i < buf.length && (buf[i] === 0x0a || buf[i] === 0x0d); i++) if (buf[i] === 0x0a) l++;
    return l;
  };
}

const WHY: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: 'a quoted cell is never closed; add the closing "',
  INVALID_OPENING_QUOTE: 'a " inside a cell that does not start with one; put the whole cell in quotes and double the " inside it ("")',
  CSV_INVALID_CLOSING_QUOTE: 'text after the closing " of a quoted cell; double a " that belongs in the cell ("")',
};

function decode(input: string | Buffer, shown: string): Buffer {
  if (typeof input === 'string') return Buffer.from(input, 'utf8');
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(input);
  } catch {
    const text = new TextDecoder('utf-8').decode(input);
    const line = text.slice(0, text.indexOf('\uFFFD')).split('\n').length;
    throw new UsageError(
      `${shown}:${line}: the file is not UTF-8 text; in Excel choose "Save as" → "CSV UTF-8", in LibreOffice the character set "Unicode (UTF-8)"`,
    );
  }
  return input;
}

/**
 * Parses CSV into records by header. `emptyHint` finishes the message for an empty file.
 * A `'` that our own export put before a formula-like cell is taken off again.
 */
export function readCsv(input: string | Buffer, shown: string, emptyHint: string): CsvTable {
  const buf = decode(input, shown);
  const delimiter = headerDelimiter(buf.toString('utf8', 0, Math.min(buf.length, 65536)));
  const options = { bom: true, delimiter, info: true, relax_column_count: true, skip_empty_lines: true } as const;
  type Parsed = Array<{ record: string[]; info: { bytes: number } }>;
  let records: Parsed;
  try {
    records = parse(buf, options) as unknown as Parsed;
  } catch (e) {
    const err = e as { code?: string; records?: number };
    // The broken record starts where the last good one ended (csv-parse's own line count is off after CRLF in quotes).
    const good = err.records ? (parse(buf, { ...options, to: err.records }) as unknown as Parsed) : [];
    const line = lineCounter(buf)(good.at(-1)?.info.bytes ?? 0);
    throw new UsageError(
      `${shown}:${line}: ${WHY[err.code ?? ''] ?? `cannot read this line (${err.code ?? 'unknown error'}); save the file again as CSV UTF-8`}`,
    );
  }
  const lineAt = lineCounter(buf);
  let start = 0;
  const placed = records.map((r) => {
    const line = lineAt(start);
    start = r.info.bytes;
    return { line, cells: r.record };
  });
  const body = placed.filter((r) => r.cells.some((c) => c.trim() !== ''));
  // Excel's separator hint line ("sep=;") comes before the header.
  if (body[0]?.cells[0]?.trim().toLowerCase() === 'sep=' && body[0].cells.slice(1).every((c) => c.trim() === '')) body.shift();
  const head = body.shift();
  if (!head) throw new UsageError(`${shown}: the file is empty; ${emptyHint}`);
  const headers = head.cells.map((h) => h.trim());
  const rows = body.map((r) => {
    const extra = r.cells.slice(headers.length).some((c) => c.trim() !== '');
    if (extra) {
      const sep = delimiter === '\t' ? 'tabs' : `"${delimiter}"`;
      throw new UsageError(
        `${shown}:${r.line}: ${r.cells.length} cells but the header has ${headers.length}; put cells that contain ${sep} in quotes, or add the missing column names to the header`,
      );
    }
    return { place: `${shown}:${r.line}`, cells: Object.fromEntries(headers.map((h, k) => [h, unescapeFormula(r.cells[k] ?? '')])) };
  });
  return { headers, rows, delimiter };
}
