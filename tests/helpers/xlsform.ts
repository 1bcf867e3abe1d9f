/**
 * Builds XLSForm workbooks in tests with the same library the importer reads them with.
 */
import ExcelJS from 'exceljs';

export type SheetRows = Array<Record<string, string | number>>;

export async function writeXlsForm(file: string, sheets: Record<string, { headers: string[]; rows: SheetRows }>): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const [name, { headers, rows }] of Object.entries(sheets)) {
    const ws = wb.addWorksheet(name);
    ws.addRow(headers);
    for (const r of rows) ws.addRow(headers.map((h) => r[h] ?? null));
  }
  await wb.xlsx.writeFile(file);
}
