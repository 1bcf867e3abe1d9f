/**
 * `stemmen export <pilot> --format csv|jsonl [--out dir]`: answers, codebook and
 * datapackage.json into a folder, with a progress bar on stderr.
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { UserInputError } from '../../bot/web/auth.ts';
import type { Config } from '../../bot/config.ts';
import { exportPilot } from '../../bot/web/exports/export.ts';
import type { ExportFormat } from '../../bot/web/exports/format.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { describeDatabase, openMigrated } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';

export async function runExport(config: Config, pilot: string, format: string, out: string | undefined): Promise<number> {
  if (format !== 'csv' && format !== 'jsonl') throw new UserInputError(`--format must be csv or jsonl (got "${format}")`);
  const locales = readLocales(config.localesDir);
  const { survey } = loadSurveyFile(config.surveyFile, locales);
  const db = await openMigrated(config);
  try {
    const row = await new PilotRepository(db).find(pilot);
    if (!row) throw new UserInputError(`no pilot "${pilot}" in ${describeDatabase(config)}; check the code on the dashboard's start page`);
    if (row.surveyId !== survey.id)
      throw new UserInputError(
        `pilot "${pilot}" uses survey "${row.surveyId}" but SURVEY_FILE (${config.surveyFile}) is "${survey.id}"; set SURVEY_FILE to that survey's file`,
      );
    const dir = resolve(out ?? `export-${pilot}`);
    const bar = process.stderr.isTTY
      ? new cliProgress.SingleBar(
          { stream: process.stderr, format: 'answers {bar} {percentage}% | {value}/{total} | {eta}s left', hideCursor: true },
          cliProgress.Presets.shades_classic,
        )
      : null;
    const r = await exportPilot({
      db,
      i18n: createI18n(locales),
      survey,
      pilot,
      format: format as ExportFormat,
      dir,
      now: new Date(),
      ...(bar ? { progress: { start: (n: number) => bar.start(n, 0), add: (n: number) => bar.increment(n), stop: () => bar.stop() } } : {}),
    });
    process.stdout.write(`exported ${r.rows} answers of pilot ${pilot}:\n${r.files.map((f) => `  ${f}`).join('\n')}\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}
