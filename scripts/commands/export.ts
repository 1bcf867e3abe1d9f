/**
 * `stemmen export <pilot> --format csv|jsonl [--out dir] [--language xx]`: answers, codebook,
 * the wide table with its SPSS syntax and datapackage.json into a folder, with a progress bar
 * on stderr. The pilot's own survey is used (its file from `pilot create`, else SURVEY_FILE's).
 */
import { resolve } from 'node:path';
import cliProgress from 'cli-progress';
import { UserInputError } from '../../bot/web/auth.ts';
import type { Config } from '../../bot/config.ts';
import { exportPilot } from '../../bot/web/exports/export.ts';
import type { ExportFormat } from '../../bot/web/exports/format.ts';
import { createI18n, readLocales, type LocaleBundle } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { describeDatabase, openMigrated } from '../../storage/database.ts';
import { PilotRepository, type PilotRecord } from '../../storage/pilots.ts';
import type { Survey } from '../../surveys/model.ts';

/** The survey a pilot was created with: its own file, or (for pilots without one, like the default pilot) SURVEY_FILE's. */
export function pilotSurvey(config: Config, pilot: PilotRecord, locales: LocaleBundle): Survey {
  const file = pilot.surveyFile ?? config.surveyFile;
  const { survey } = loadSurveyFile(file, locales);
  if (survey.id !== pilot.surveyId)
    throw new UserInputError(
      pilot.surveyFile === null
        ? `pilot "${pilot.code}" uses survey "${pilot.surveyId}" but SURVEY_FILE (${config.surveyFile}) is "${survey.id}"; set SURVEY_FILE to that survey's file`
        : `pilot "${pilot.code}" uses survey "${pilot.surveyId}" but its file ${file} now holds "${survey.id}"; put the survey back or create a new pilot for it`,
    );
  return survey;
}

export async function runExport(config: Config, pilot: string, format: string, out: string | undefined, language?: string): Promise<number> {
  if (format !== 'csv' && format !== 'jsonl') throw new UserInputError(`--format must be csv or jsonl (got "${format}")`);
  const locales = readLocales(config.localesDir);
  const db = await openMigrated(config);
  try {
    const row = await new PilotRepository(db).find(pilot);
    if (!row) throw new UserInputError(`no pilot "${pilot}" in ${describeDatabase(config)}; check the code on the dashboard's start page`);
    const survey = pilotSurvey(config, row, locales);
    if (language !== undefined && !survey.languages.includes(language))
      throw new UserInputError(`--language "${language}" is not a language of survey "${survey.id}"; use one of ${survey.languages.join(', ')}`);
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
      ...(language !== undefined ? { language } : {}),
      ...(bar ? { progress: { start: (n: number) => bar.start(n, 0), add: (n: number) => bar.increment(n), stop: () => bar.stop() } } : {}),
    });
    process.stdout.write(
      `exported ${r.rows} answers (${r.wideRows} respondent rows in wide.csv) of pilot ${pilot}:\n${r.files.map((f) => `  ${f}`).join('\n')}\n`,
    );
    return 0;
  } finally {
    await db.destroy();
  }
}
