/**
 * `stemmen survey import-xlsform form.xlsx`: a KoboToolbox/ODK form → survey YAML + locale
 * files. Errors (sheet, row, column) stop the import before anything is written; what is
 * left out is listed the same way.
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { Config } from '../../bot/config.ts';
import { flatten, hasOwnText, readLocales } from '../../bot/i18n.ts';
import { formatIssue, loadSurvey } from '../../surveys/spec/load.ts';
import { importXlsForm, type ImportIssue } from '../../surveys/xlsform/convert.ts';
import { UsageError } from '../errors.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from './locale-files.ts';
import { readWorkbook } from './xlsx-read.ts';

/** Texts an XLSForm has no place for, taken from the question bank's namespace. */
const COMMON_KEYS = ['intro', 'consent', 'completion', 'scale.low', 'scale.high'];

export interface ImportXlsFormOptions {
  out?: string | undefined;
  id?: string | undefined;
  force: boolean;
  maxMinutes: number;
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
  const result = importXlsForm(wb, { id: o.id, fileName: basename(form).replace(/\.xlsx$/i, ''), commonTexts: common });
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
  const questions = result.spec.questions as Array<Record<string, unknown>>;
  if (questions.some((q) => q.audio || q.video)) {
    const rel = relative(dirname(out), dirname(form)) || '.';
    result.spec.mediaDir = rel;
  }
  const languages = result.spec.languages as string[];

  // Validate in memory, before writing anything, exactly as the bot will load it.
  const yamlText = `# Imported by \`stemmen survey import-xlsform\` from ${basename(form)}${result.title ? ` ("${result.title}")` : ''}.\n# Texts: locales/<lng>/${ns}.json\n${stringify(result.spec, { lineWidth: 0 })}`;
  const loaded = loadSurvey(yamlText, outShown, {
    hasText: (lng, n, key) => (n === ns ? key in flatten(result.texts[lng] ?? {}) : hasOwnText(locales, lng, n, key)),
    fileExists: (p) => existsSync(join(dirname(out), p)),
    maxMinutes: o.maxMinutes,
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

  const targets = [out, ...languages.map((l) => namespaceFile(config.localesDir, l, ns))];
  const existing = targets.find((f) => existsSync(f));
  if (existing && !o.force)
    throw new UsageError(`${relative(process.cwd(), existing)} already exists; pass --out/--id for another name or --force to overwrite`);

  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, yamlText);
  const review = readReview(config.localesDir);
  for (const lng of languages) {
    writeNamespace(config.localesDir, lng, ns, result.texts[lng] ?? {});
    // The form's own texts are the research team's; the supplied intro/consent/closing keep the bank's status.
    const bankDraft = reviewOf(review, lng, 'bank')?.status !== 'reviewed';
    setReview(review, lng, ns, bankDraft ? { status: 'reviewed', unreviewedKeys: COMMON_KEYS } : { status: 'reviewed' });
  }
  writeReview(config.localesDir, review);

  const left = result.issues.filter((i) => i.severity === 'unsupported');
  if (left.length > 0) {
    process.stdout.write(`not imported (${left.length}):\n`);
    for (const i of left) process.stdout.write(`  ${place(i)}: ${i.message}\n`);
  }
  for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
  process.stdout.write(
    `ok ${outShown}: ${id}, ${loaded.survey.questions.length} questions, languages ${languages.join(', ')}, about ${loaded.estimatedMinutes} minutes; texts in locales/<lng>/${ns}.json\n`,
  );
  return 0;
}
