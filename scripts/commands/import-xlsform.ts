/**
 * `stemmen survey import-xlsform form.xlsx`: a KoboToolbox/ODK form → survey YAML + locale
 * files (beside the survey file, or in `--locales DIR`). Errors (sheet, row, column) stop the
 * import before anything is written; what is left out is listed the same way. Rows without
 * an indicator become background questions, listed in one warning with how to map them.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Config } from '../../bot/config.ts';
import { flatten, hasOwnText, readLocales } from '../../bot/i18n.ts';
import { surveyTextsDir } from '../../bot/conversation/survey-files.ts';
import { formatIssue, loadSurvey } from '../../surveys/spec/load.ts';
import { importXlsForm, type ImportIssue, type ImportOptions, type ImportResult } from '../../surveys/xlsform/convert.ts';
import { readMapping, type Mapping } from '../../surveys/xlsform/mapping.ts';
import { UsageError } from '../errors.ts';
import { readCsv } from '../../bot/csv-read.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from '../../bot/locale-files.ts';
import { readWorkbook } from './xlsx-read.ts';

/** Texts an XLSForm has no place for, taken from the question bank's namespace. */
const COMMON_KEYS = ['intro', 'consent', 'completion', 'scale.low', 'scale.high'];

export interface ImportXlsFormOptions {
  out?: string | undefined;
  id?: string | undefined;
  force: boolean;
  maxMinutes: number;
  /** Folder for the survey's texts; default `locales/` beside the survey file. */
  locales?: string | undefined;
  /** CSV with name,indicator,outcome for forms without those columns. */
  map?: string | undefined;
}

/** The mapping file, checked against the form's question names; every bad line named, nothing written. */
function mappingFrom(file: string, names: readonly string[]): Mapping {
  const path = resolve(file);
  const shown = relative(process.cwd(), path) || path;
  if (!existsSync(path)) throw new UsageError(`--map ${shown}: file not found; check the path (a CSV with the columns name,indicator,outcome)`);
  const table = readCsv(readFileSync(path), shown, 'add the header name,indicator,outcome and one row per question');
  const read = readMapping(shown, table.headers, table.rows, names);
  if (!read.ok) throw new UsageError([...read.problems, `${shown}: ${read.problems.length} problem(s); nothing was written`].join('\n'));
  return read.mapping;
}

function backgroundWarning(shown: string, rows: ImportResult['background']): string {
  const listed = rows.map((b) => `${b.name} (row ${b.row})`).join(', ');
  return `${shown}: warning: ${rows.length} question(s) have no indicator and are imported as background questions (role: background; no traffic light): ${listed}. If they ask about experience, map them: add "indicator" and "outcome" columns to the survey sheet (on a row or its group), or pass --map mapping.csv with the columns name,indicator,outcome`;
}

function place(i: ImportIssue): string {
  return [i.sheet, i.row !== undefined ? `row ${i.row}` : '', i.column !== undefined ? `(${i.column})` : ''].filter(Boolean).join(' ');
}

export async function runImportXlsForm(config: Config, formPath: string, o: ImportXlsFormOptions): Promise<number> {
  const form = resolve(formPath);
  const shown = relative(process.cwd(), form) || form;
  const wb = await readWorkbook(form, shown);
  const locales = readLocales(config.localesDir);
  const common = (lng: string) => {
    const flat = flatten(locales.resources[lng]?.bank ?? {});
    return COMMON_KEYS.every((k) => k in flat) ? Object.fromEntries(COMMON_KEYS.map((k) => [k, flat[k]!])) : undefined;
  };
  const opts: ImportOptions = { id: o.id, fileName: basename(form).replace(/\.xlsx$/i, ''), commonTexts: common };
  let result = importXlsForm(wb, opts);
  // The mapping is checked against the form's names, so it needs a first pass over the form.
  if (o.map !== undefined && result.names.length > 0) result = importXlsForm(wb, { ...opts, mapping: mappingFrom(o.map, result.names) });
  const errors = result.issues.filter((i) => i.severity === 'error');
  if (errors.length > 0) {
    throw new UsageError(
      [...errors.map((i) => `${shown}: ${place(i)}: ${i.message}`), `${shown}: ${errors.length} problem(s); nothing was written`].join('\n'),
    );
  }

  const id = String(result.spec.id);
  const out = resolve(o.out ?? join('surveys', `${id}.yaml`));
  const outShown = relative(process.cwd(), out) || out;
  const ns = `survey-${id}`;
  const textsDir = surveyTextsDir(out, { override: o.locales, writing: true });
  const textsShown = relative(process.cwd(), textsDir) || textsDir;
  const questions = result.spec.questions as Array<Record<string, unknown>>;
  if (questions.some((q) => q.audio || q.video)) {
    const rel = relative(dirname(out), dirname(form)) || '.';
    result.spec.mediaDir = rel;
  }
  const languages = result.spec.languages as string[];

  // Validate in memory, before writing anything, exactly as the bot will load it.
  const yamlText = `# Imported by \`stemmen survey import-xlsform\` from ${basename(form)}${result.title ? ` ("${result.title}")` : ''}.\n# Texts: ${relative(dirname(out), textsDir) || '.'}/<lng>/${ns}.json beside this file\n${stringify(result.spec, { lineWidth: 0 })}`;
  const loaded = loadSurvey(yamlText, outShown, {
    hasText: (lng, n, key) => (n === ns ? key in flatten(result.texts[lng] ?? {}) : hasOwnText(locales, lng, n, key)),
    fileExists: (p) => existsSync(join(dirname(out), p)),
    maxMinutes: o.maxMinutes,
    textsDir: textsShown,
  });
  if (!loaded.ok) {
    const rowOf = (path: string) => {
      const m = /^questions\[(\d+)\]/.exec(path);
      const q = m ? questions[Number(m[1])] : undefined;
      return q ? ` (question "${String(q.id)}")` : '';
    };
    throw new UsageError(
      [
        ...loaded.issues.filter((i) => i.severity === 'error').map((i) => `${shown}${rowOf(i.path)}: ${i.path ? `${i.path}: ` : ''}${i.message}`),
        `${shown}: the imported survey does not validate; nothing was written`,
      ].join('\n'),
    );
  }

  const targets = [out, ...languages.map((l) => namespaceFile(textsDir, l, ns))];
  const existing = targets.find((f) => existsSync(f));
  if (existing && !o.force)
    throw new UsageError(`${relative(process.cwd(), existing)} already exists; pass --out/--id for another name or --force to overwrite`);

  try {
    mkdirSync(dirname(out), { recursive: true });
    mkdirSync(textsDir, { recursive: true });
  } catch (e) {
    throw new UsageError(
      `cannot create the folder for ${outShown} or ${textsShown} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); pass --out and --locales with folders you can write to`,
    );
  }
  writeFileSync(out, yamlText);
  const bankReview = readReview(config.localesDir);
  const review = readReview(textsDir);
  for (const lng of languages) {
    writeNamespace(textsDir, lng, ns, result.texts[lng] ?? {});
    // The form's own texts are the research team's; the supplied intro/consent/closing keep the bank's status.
    const bankDraft = reviewOf(bankReview, lng, 'bank')?.status !== 'reviewed';
    setReview(review, lng, ns, bankDraft ? { status: 'reviewed', unreviewedKeys: COMMON_KEYS } : { status: 'reviewed' });
  }
  writeReview(textsDir, review);

  const left = result.issues.filter((i) => i.severity === 'unsupported');
  if (left.length > 0) {
    process.stdout.write(`not imported (${left.length}):\n`);
    for (const i of left) process.stdout.write(`  ${place(i)}: ${i.message}\n`);
  }
  if (result.background.length > 0) process.stdout.write(`${backgroundWarning(shown, result.background)}\n`);
  for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
  process.stdout.write(
    `ok ${outShown}: ${id}, ${loaded.survey.questions.length} questions, languages ${languages.join(', ')}, about ${loaded.estimatedMinutes} minutes; texts in ${textsShown}/<lng>/${ns}.json\n`,
  );
  return 0;
}
