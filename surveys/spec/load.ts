/**
 * Loading a survey file: YAML → migrations → schema → semantic checks → compiled survey.
 *
 * Every problem comes back as a {@link SpecIssue} with the line and column of the node it is
 * about, so `stemmen check` can print `file:line:col path: message` and editors can jump
 * there. Nothing here reads files: the caller passes the text, and whatever the checks need
 * from outside (locale texts, prompt files) as functions in {@link LoadEnv}. Bad input never
 * throws.
 * @module
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { compileSurvey, type Survey } from '../model.ts';
import { checkSpec } from './checks.ts';
import type { RawIssue, SpecIssue } from './issues.ts';
import { migrateSpec } from './migrations.ts';
import { formatPath, positionAt, positionOf, type SpecPath } from './positions.ts';
import { surveySchema, type SurveySpec } from './schema.ts';
import { zodIssues } from './zod-issues.ts';

export { formatIssue, type SpecIssue } from './issues.ts';

export interface LoadEnv {
  /** True when a locale has the key; used to check every text key exists in every survey language. Omit to skip the check. */
  hasText?: (lng: string, ns: string, key: string) => boolean;
  /** True when a prompt file (path relative to the survey file's folder, joined with mediaDir when set) exists. Omit to skip. */
  fileExists?: (relativePath: string) => boolean;
  /** Warn when the estimated completion time in minutes is above this; default 10. */
  maxMinutes?: number;
  /** How messages name the folder of the survey's texts; default `locales`. */
  textsDir?: string;
}

export type LoadResult = { ok: true; survey: Survey; spec: SurveySpec; warnings: SpecIssue[]; estimatedMinutes: number } | { ok: false; issues: SpecIssue[] };

const byPosition = (a: SpecIssue, b: SpecIssue): number => a.line - b.line || a.column - b.column;

function fail(issues: SpecIssue[]): LoadResult {
  return { ok: false, issues: issues.sort(byPosition) };
}

function valueAt(value: unknown, path: SpecPath): unknown {
  let cur = value;
  for (const seg of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

function load(text: string, file: string, env: LoadEnv): LoadResult {
  const lc = new LineCounter();
  const doc: Document = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => (offset === undefined ? { line: 1, column: 1 } : positionAt(lc, offset));

  if (doc.errors.length > 0) {
    return fail(doc.errors.map((e) => ({ file, ...at(e.pos[0]), path: '', message: `YAML syntax error: ${e.message}`, severity: 'error' })));
  }
  const yamlWarnings: SpecIssue[] = doc.warnings.map((w) => ({ file, ...at(w.pos[0]), path: '', message: `YAML: ${w.message}`, severity: 'warning' }));

  const place = (i: RawIssue): SpecIssue => ({
    file,
    ...positionOf(doc, lc, i.path, i.atKey === true),
    path: formatPath(i.path),
    message: i.message,
    severity: i.severity,
  });

  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    return fail([{ file, line: 1, column: 1, path: '', message: `YAML could not be read: ${e instanceof Error ? e.message : String(e)}`, severity: 'error' }]);
  }

  const migrated = migrateSpec(raw);
  if (!migrated.ok) return fail([...yamlWarnings, place({ path: migrated.path, message: migrated.message, severity: 'error' })]);

  const parsed = surveySchema.safeParse(migrated.value);
  if (!parsed.success) return fail([...yamlWarnings, ...zodIssues(parsed.error.issues, migrated.value).map(place)]);

  const spec = parsed.data;
  const has = (path: SpecPath) => valueAt(migrated.value, path) !== undefined;
  const checked = checkSpec(spec, has, env);
  const issues = checked.issues.map(place);
  const errors = issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) return fail([...yamlWarnings, ...issues]);
  return {
    ok: true,
    survey: compileSurvey(spec),
    spec,
    warnings: [...yamlWarnings, ...issues].sort(byPosition),
    estimatedMinutes: checked.estimatedMinutes,
  };
}

/** Parses, migrates, validates and compiles a survey file's text. `file` is only used in issues. */
export function loadSurvey(text: string, file: string, env: LoadEnv = {}): LoadResult {
  try {
    return load(text, file, env);
  } catch (e) {
    // A bug in stemmen, not in the file; still no stack trace for the person running it.
    const why = e instanceof Error ? e.message : String(e);
    return fail([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: `internal error while checking this survey (${why}); please report it to the stemmen maintainers`,
        severity: 'error',
      },
    ]);
  }
}
