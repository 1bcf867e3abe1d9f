/**
 * The translator's table (CSV or XLSX): one row per text with columns
 * `namespace, key, <source>, <lng>, status`. CSV is RFC 4180 with a UTF-8 byte-order mark,
 * so Excel shows Ge'ez and Arabic script correctly.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { UsageError } from '../../errors.ts';
import { readWorkbook } from '../xlsx-read.ts';

export interface TableRow {
  place: string;
  cells: Record<string, string>;
}

function csvCell(v: string): string {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function toCsv(headers: string[], rows: Array<Record<string, string>>): string {
  return `\uFEFF${[headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))].map((r) => r.map(csvCell).join(',')).join('\r\n')}\r\n`;
}

/** Parses CSV into records by header; `place` is `file:line` of each record's first line. */
export function parseCsv(text: string, shown: string): { headers: string[]; rows: TableRow[] } {
  const src = text.replace(/^\uFEFF/, '');
  const records: Array<{ line: number; cells: string[] }> = [];
  let cells: string[] = [],
    cell = '',
    quoted = false,
    line = 1,
    start = 1,
    i = 0,
    quoteLine = 0;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRecord = () => {
    endCell();
    if (cells.some((c) => c !== '')) records.push({ line: start, cells });
    cells = [];
  };
  while (i < src.length) {
    const c = src[i]!;
    if (quoted) {
      if (c === '"' && src[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (c === '"') {
        quoted = false;
        i++;
        continue;
      }
      if (c === '\n') line++;
      cell += c;
      i++;
      continue;
    }
    if (c === '"' && cell === '') {
      quoted = true;
      quoteLine = line;
      i++;
      continue;
    }
    if (c === ',') {
      endCell();
      i++;
      continue;
    }
    if (c === '\r' && src[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') {
      endRecord();
      line++;
      start = line;
      i++;
      continue;
    }
    cell += c;
    i++;
  }
  if (quoted) throw new UsageError(`${shown}:${quoteLine}: a quoted cell is never closed; add the closing "`);
  if (cell !== '' || cells.length > 0) endRecord();
  const [head, ...body] = records;
  if (!head) throw new UsageError(`${shown}: the file is empty; export one with \`stemmen translations export\``);
  const headers = head.cells.map((h) => h.trim());
  return {
    headers,
    rows: body.map((r) => {
      if (r.cells.length > headers.length)
        throw new UsageError(`${shown}:${r.line}: ${r.cells.length} cells but the header has ${headers.length}; quote cells that contain commas`);
      return { place: `${shown}:${r.line}`, cells: Object.fromEntries(headers.map((h, k) => [h, r.cells[k] ?? ''])) };
    }),
  };
}

export async function writeTable(
  file: string,
  format: 'csv' | 'xlsx',
  sheetName: string,
  headers: string[],
  rows: Array<Record<string, string>>,
): Promise<void> {
  if (format === 'csv') return writeFileSync(file, toCsv(headers, rows));
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet(sheetName);
  ws.addRow(headers);
  for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? ''));
  ws.getRow(1).font = { bold: true };
  headers.forEach((h, k) => {
    ws.getColumn(k + 1).width = h === 'key' ? 36 : h === 'namespace' ? 22 : h === 'status' ? 14 : 60;
  });
  ws.views = [{ state: 'frozen', ySplit: 1 }];
  await wb.xlsx.writeFile(file);
}

export async function readTable(file: string, shown: string): Promise<{ headers: string[]; rows: TableRow[] }> {
  if (/\.csv$/i.test(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      throw new UsageError(`${shown}: file not found; check the path`);
    }
    return parseCsv(text, shown);
  }
  if (!/\.xlsx$/i.test(file)) throw new UsageError(`${shown}: expected a .csv or .xlsx file (as written by \`stemmen translations export\`)`);
  const wb = await readWorkbook(file, shown);
  const sheet = Object.values(wb)[0];
  if (!sheet) throw new UsageError(`${shown}: the workbook has no sheets`);
  return { headers: sheet.headers, rows: sheet.rows.map((r) => ({ place: `${shown}: sheet ${sheet.name} row ${r.row}`, cells: r.cells })) };
}
