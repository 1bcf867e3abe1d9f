/**
 * The translator's table (CSV or XLSX): one row per text with columns
 * `namespace, key, <source>, <lng>, status`. CSV is RFC 4180 with a UTF-8 byte-order mark,
 * so Excel shows Ge'ez and Arabic script correctly; a table saved by Excel with Dutch settings
 * (`;`-separated) reads back as well.
 * @module
 */
import { readFileSync, writeFileSync } from 'node:fs';
import ExcelJS from 'exceljs';
import { csvRows } from '../../../bot/web/exports/csv.ts';
import { UsageError } from '../../errors.ts';
import { readCsv, type TableRow } from '../../../bot/csv-read.ts';
import { readWorkbook } from '../xlsx-read.ts';

export type { TableRow };

export function toCsv(headers: string[], rows: Array<Record<string, string>>): string {
  return csvRows([headers, ...rows.map((r) => headers.map((h) => r[h] ?? ''))], { bom: true, quoteSpaces: true });
}

/** Parses a table (`,`, `;` or tab separated, as Excel writes it); `place` is `file:line` of each record's first line. */
export function parseCsv(text: string | Buffer, shown: string): { headers: string[]; rows: TableRow[] } {
  return readCsv(text, shown, 'export one with `stemmen translations export`');
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
    let text: Buffer;
    try {
      text = readFileSync(file);
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
