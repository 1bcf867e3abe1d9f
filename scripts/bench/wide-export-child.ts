/**
 * The measured half of the wide-export bench: writes wide.csv and wide.sps of pilot "bench"
 * from a SQLite file, as `stemmen export` does, and prints the row and column counts as JSON.
 * @module
 */
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { wideSps } from '../../bot/web/exports/export.ts';
import { wideChunks } from '../../bot/web/exports/wide.ts';
import { wideColumns } from '../../bot/web/exports/wide-columns.ts';
import { openDatabase } from '../../storage/database.ts';

const ROOT = join(import.meta.dirname, '../..');
const [file, outDir] = process.argv.slice(2) as [string, string];
const locales = readLocales(join(ROOT, 'locales'));
const { survey } = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), locales, { cwd: ROOT });
const db = openDatabase({ databaseFile: file, databaseUrl: null });
mkdirSync(outDir, { recursive: true });
const columns = wideColumns(survey);
const out = createWriteStream(join(outDir, 'wide.csv'));
let rows = 0;
for await (const chunk of wideChunks(db, 'bench', columns, (n) => {
  rows += n;
})) {
  if (!out.write(chunk)) await once(out, 'drain');
}
out.end();
await once(out, 'close');
writeFileSync(join(outDir, 'wide.sps'), wideSps(survey, createI18n(locales)));
await db.destroy();
process.stdout.write(JSON.stringify({ columns: columns.length, rows }));
