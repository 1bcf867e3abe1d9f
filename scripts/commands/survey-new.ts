/**
 * `stemmen survey new`: a pilot survey assembled from the question bank, with its texts
 * copied into the survey's own locale namespace (so researchers can reword them per pilot),
 * then validated like any survey file, including the completion-time estimate.
 *
 * The texts go beside the survey file (`<folder>/locales/<lng>/survey-<id>.json` and its
 * `review.json`) or into `--locales DIR`, so the researcher's folder holds the whole pilot.
 * @module
 */
import { relative } from 'node:path';
import type { Config } from '../../bot/config.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { writeBankSurvey, type AssembleFilesOptions } from '../../bot/survey-assembly.ts';
import { formatIssue } from '../../surveys/spec/load.ts';

export { BANK_FILE } from '../../bot/survey-assembly.ts';

export interface SurveyNewOptions extends AssembleFilesOptions {
  maxMinutes: number;
}

const shown = (f: string) => relative(process.cwd(), f) || f;

export function runSurveyNew(config: Config, o: SurveyNewOptions): number {
  const { out, textsDir, ns, assembled, bankLanguages, projectLocales } = writeBankSurvey(config.localesDir, o);
  const loaded = loadSurveyFile(out, projectLocales, { maxMinutes: o.maxMinutes, textsDir: o.locales });
  for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
  process.stdout.write(`wrote ${shown(out)} and ${shown(textsDir)}/<lng>/${ns}.json for ${bankLanguages.join(', ')}\n`);
  if (assembled.background.length > 0) process.stdout.write(`background questions (optional, asked at the end): ${assembled.background.join(', ')}\n`);
  process.stdout.write(
    `ok ${shown(out)}: ${assembled.questionCount} questions, ${loaded.survey.languages.length} languages, about ${loaded.estimatedMinutes} minutes\n`,
  );
  return 0;
}
