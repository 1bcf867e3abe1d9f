/**
 * `stemmen survey new`: a pilot survey assembled from the question bank, with its texts
 * copied into the survey's own locale namespace (so researchers can reword them per pilot),
 * then validated like any survey file, including the completion-time estimate.
 *
 * The texts go beside the survey file (`<folder>/locales/<lng>/survey-<id>.json` and its
 * `review.json`) or into `--locales DIR`, so the researcher's folder holds the whole pilot.
 * The writing is shared with the dashboard's workshop (bot/conversation/bank-survey.ts).
 * @module
 */
import { relative } from 'node:path';
import type { Config } from '../../bot/config.ts';
import { BankSurveyError, writeBankSurvey } from '../../bot/conversation/bank-survey.ts';
import { formatIssue } from '../../surveys/spec/load.ts';
import { UsageError } from '../errors.ts';

export { BANK_FILE } from '../../bot/conversation/bank-survey.ts';

export interface SurveyNewOptions {
  indicators: string[];
  languages: string[];
  out: string;
  id?: string | undefined;
  all: boolean;
  /** Also the bank's background questions (age band, residence status, …), at the end. */
  background?: boolean | undefined;
  force: boolean;
  maxMinutes: number;
  bank?: string | undefined;
  /** Folder for the survey's texts; default `locales/` beside the survey file. */
  locales?: string | undefined;
}

const shown = (f: string) => relative(process.cwd(), f) || f;

export function runSurveyNew(config: Config, o: SurveyNewOptions): number {
  let w: ReturnType<typeof writeBankSurvey>;
  try {
    w = writeBankSurvey({ ...o, localesDir: config.localesDir });
  } catch (e) {
    if (e instanceof BankSurveyError) throw new UsageError(e.message);
    throw e;
  }
  for (const warning of w.loaded.warnings) process.stdout.write(`${formatIssue(warning)}\n`);
  process.stdout.write(`wrote ${shown(w.file)} and ${shown(w.textsDir)}/<lng>/${w.namespace}.json for ${w.bankLanguages.join(', ')}\n`);
  if (w.background.length > 0) process.stdout.write(`background questions (optional, asked at the end): ${w.background.join(', ')}\n`);
  process.stdout.write(`ok ${shown(w.file)}: ${w.questionCount} questions, ${w.languages.length} languages, about ${w.loaded.estimatedMinutes} minutes\n`);
  return 0;
}
