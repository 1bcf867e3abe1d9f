/**
 * Loading survey files at start-up: read, validate against the locales, compile.
 * @module
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { formatIssue, loadSurvey, type SpecIssue } from '../../surveys/spec/load.ts';
import type { Survey } from '../../surveys/model.ts';
import { hasOwnText, readLocales, type LocaleBundle } from '../i18n.ts';

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
  /** The locales the survey was checked against: the project's with the survey's own folder laid over them. */
  locales: LocaleBundle;
  /** The folder with the survey's own texts, or null when they are in the project's locales. */
  textsDir: string | null;
}

const isDir = (p: string): boolean => existsSync(p) && statSync(p).isDirectory();

/**
 * Where a survey's own texts live: `--locales DIR` when given, else the `locales/` folder
 * beside the survey file when there is one, else (null) the project's LOCALES_DIR, where the
 * shipped surveys keep theirs. Writers (`writing`) always get a folder: the one beside the
 * survey file unless `--locales` names another, so a researcher's folder holds the whole pilot.
 * The one rule for every command and the app.
 */
export function surveyTextsDir(surveyFile: string, opts: { override?: string | undefined; writing: true }): string;
export function surveyTextsDir(surveyFile: string, opts?: { override?: string | undefined; writing?: false }): string | null;
export function surveyTextsDir(surveyFile: string, opts: { override?: string | undefined; writing?: boolean } = {}): string | null {
  if (opts.override !== undefined) return resolve(opts.override);
  const beside = join(dirname(resolve(surveyFile)), 'locales');
  return opts.writing === true || isDir(beside) ? beside : null;
}

/** The project's locales with every namespace of `dir` laid over them (the survey's own texts win). */
export function withSurveyTexts(project: LocaleBundle, dir: string | null): LocaleBundle {
  if (dir === null || !isDir(dir)) return project;
  const own = readLocales(dir);
  const resources = { ...project.resources };
  for (const lng of own.languages) resources[lng] = { ...(resources[lng] ?? {}), ...own.resources[lng] };
  return {
    resources,
    languages: [...new Set([...project.languages, ...own.languages])].sort(),
    namespaces: [...new Set([...project.namespaces, ...own.namespaces])],
  };
}

/**
 * Reads and validates a survey file; every text key must exist in every survey language,
 * looked up in the survey's own texts ({@link surveyTextsDir}) over the project's `locales`.
 * Throws SurveyFileError whose message lists `file:line:col path: problem` lines.
 */
export function loadSurveyFile(
  path: string,
  projectLocales: LocaleBundle,
  opts: { maxMinutes?: number; cwd?: string; textsDir?: string | undefined } = {},
): LoadedSurvey {
  const cwd = opts.cwd ?? process.cwd();
  const shown = relative(cwd, path) || path;
  const problem = (message: string) => new SurveyFileError([{ file: shown, line: 1, column: 1, path: '', message, severity: 'error' }]);
  if (!existsSync(path)) throw problem('file not found; check the path (SURVEY_FILE or the command argument)');
  const textsDir = surveyTextsDir(path, { override: opts.textsDir });
  if (textsDir !== null && !isDir(textsDir)) throw problem(`--locales ${textsDir}: folder not found; check the path or leave --locales out`);
  const locales = withSurveyTexts(projectLocales, textsDir);
  const base = dirname(path);
  const text = readFileSync(path, 'utf8');
  const result = loadSurvey(text, shown, {
    textsDir: textsDir === null ? 'locales' : relative(cwd, textsDir) || '.',
    hasText: (lng, ns, key) => hasOwnText(locales, lng, ns, key),
    fileExists: (rel) => existsSync(join(base, rel)),
    ...(opts.maxMinutes !== undefined ? { maxMinutes: opts.maxMinutes } : {}),
  });
  if (!result.ok) throw new SurveyFileError(result.issues);
  const mediaBase = result.survey.mediaDir ? resolve(base, result.survey.mediaDir) : base;
  return {
    survey: result.survey,
    warnings: result.warnings,
    estimatedMinutes: result.estimatedMinutes,
    resolveMedia: (f) => resolve(mediaBase, f),
    locales,
    textsDir,
  };
}
