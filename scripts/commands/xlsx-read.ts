/**
 * Reads an .xlsx workbook into plain sheets of text cells (header row → column names).
 * Errors name the file and say how to fix it.
 * @module
 */
import { existsSync } from 'node:fs';
import ExcelJS from 'exceljs';
import type { XlsSheet, XlsWorkbook } from '../../surveys/xlsform/convert.ts';
import { UsageError } from '../errors.ts';

/** A cell's value as the text a person sees (numbers plain, dates as YYYY-MM-DD, formulas by result). */
function text(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return text((v as { result?: ExcelJS.CellValue }).result ?? null);
  if ('hyperlink' in v) return String((v as { text: unknown }).text ?? '');
  return '';
}

export async function readWorkbook(file: string, shown = file): Promise<XlsWorkbook> {
  if (!existsSync(file)) throw new UsageError(`${shown}: file not found; check the path`);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.readFile(file);
  } catch (e) {
    const why = (e as Error).message.split('\n')[0];
    throw new UsageError(
      `${shown}: cannot read it as an .xlsx workbook (${why}); open it in Excel or LibreOffice and save it as .xlsx (older .xls files are not supported)`,
    );
  }
  const out: XlsWorkbook = {};
  wb.eachSheet((ws) => {
    const headers: string[] = [];
    ws.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => {
      headers[col - 1] = text(cell.value).trim();
    });
    const sheet: XlsSheet = { name: ws.name, headers: headers.filter((h) => h !== ''), rows: [] };
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const cells: Record<string, string> = {};
      row.eachCell({ includeEmpty: false }, (cell, col) => {
        const h = headers[col - 1];
        if (h) cells[h] = text(cell.value);
      });
      if (Object.values(cells).some((v) => v.trim() !== '')) sheet.rows.push({ row: n, cells });
    });
    out[ws.name.trim().toLowerCase()] = sheet;
  });
  return out;
}
