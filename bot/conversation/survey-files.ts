/**
 * Loading survey files at start-up: read, validate against the locales, compile.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { formatIssue, loadSurvey, type SpecIssue } from '../../surveys/spec/load.ts';
import type { Survey } from '../../surveys/model.ts';
import { hasOwnText, type LocaleBundle } from '../i18n.ts';

export class SurveyFileError extends Error {
  override name = 'SurveyFileError';
  constructor(readonly issues: SpecIssue[]) {
    super(issues.map(formatIssue).join('\n'));
  }
}

export interface LoadedSurvey {
  survey: Survey;
  warnings: SpecIssue[];
  estimatedMinutes: number;
  /** Makes a prompt file path from the survey absolute. */
  resolveMedia: (file: string) => string;
}

/**
 * Reads and validates a survey file; every text key must exist in every survey language.
 * Throws SurveyFileError whose message lists `file:line:col path: problem` lines.
 */
export function loadSurveyFile(path: string, locales: LocaleBundle, opts: { maxMinutes?: number; cwd?: string } = {}): LoadedSurvey {
  const shown = relative(opts.cwd ?? process.cwd(), path) || path;
  if (!existsSync(path)) {
    throw new SurveyFileError([
      { file: shown, line: 1, column: 1, path: '', message: 'file not found; check the path (SURVEY_FILE or the command argument)', severity: 'error' },
    ]);
  }
  const base = dirname(path);
  const text = readFileSync(path, 'utf8');
  const result = loadSurvey(text, shown, {
    hasText: (lng, ns, key) => hasOwnText(locales, lng, ns, key),
    fileExists: (rel) => existsSync(join(base, rel)),
    ...(opts.maxMinutes !== undefined ? { maxMinutes: opts.maxMinutes } : {}),
  });
  if (!result.ok) throw new SurveyFileError(result.issues);
  const mediaBase = result.survey.mediaDir ? resolve(base, result.survey.mediaDir) : base;
  return { survey: result.survey, warnings: result.warnings, estimatedMinutes: result.estimatedMinutes, resolveMedia: (f) => resolve(mediaBase, f) };
}
