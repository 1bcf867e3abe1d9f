/**
 * `stemmen survey new`: a pilot survey assembled from the question bank, with its texts
 * copied into the survey's own locale namespace (so researchers can reword them per pilot),
 * then validated like any survey file, including the completion-time estimate.
 *
 * The texts go beside the survey file (`<folder>/locales/<lng>/survey-<id>.json` and its
 * `review.json`) or into `--locales DIR`, so the researcher's folder holds the whole pilot.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Config } from '../../bot/config.ts';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile, surveyTextsDir } from '../../bot/conversation/survey-files.ts';
import { assembleSurvey, pickTexts } from '../../surveys/bank/assemble.ts';
import { formatIssue } from '../../surveys/spec/load.ts';
import { closest } from '../../surveys/spec/suggest.ts';
import { UsageError } from '../errors.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from './locale-files.ts';

export const BANK_FILE = join(import.meta.dirname, '../../surveys/bank/bank.yaml');

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
  const bankFile = resolve(o.bank ?? BANK_FILE);
  const projectLocales = readLocales(config.localesDir);
  // Validates the bank itself (ids, outcomes, every text in every bank language).
  const bank = loadSurveyFile(bankFile, projectLocales, { maxMinutes: Infinity });
  const locales = bank.locales;
  const bankNs = bank.survey.namespace;
  for (const lng of o.languages) {
    if (bank.survey.languages.includes(lng)) continue;
    const hint = closest(lng, bank.survey.languages);
    throw new UsageError(
      `--languages: the question bank has no texts in "${lng}"${hint !== null ? `; did you mean "${hint}"?` : ''} (it has ${bank.survey.languages.join(', ')}); add locales/${lng}/${bankNs}.json (translate locales/en/${bankNs}.json) and list "${lng}" in ${relative(process.cwd(), bankFile)}`,
    );
  }
  const out = resolve(o.out);
  const id = o.id ?? basename(out).replace(/\.ya?ml$/i, '');
  const assembled = assembleSurvey(parse(readFileSync(bankFile, 'utf8')), {
    id,
    indicators: o.indicators,
    languages: o.languages,
    all: o.all,
    background: o.background === true,
  });
  if (!assembled.ok) throw new UsageError(assembled.message);

  const textsDir = surveyTextsDir(out, { override: o.locales, writing: true });
  const ns = `survey-${id}`;
  const targets = [out, ...bank.survey.languages.map((l) => namespaceFile(textsDir, l, ns))];
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0 && !o.force) {
    throw new UsageError(`${shown(existing[0]!)} already exists; choose another --out/--id or pass --force to overwrite`);
  }

  // Texts for every bank language, not only the survey's: adding a language later is then a one-word change.
  const bankReview = readReview(config.localesDir);
  const review = readReview(textsDir);
  for (const lng of bank.survey.languages) {
    writeNamespace(textsDir, lng, ns, pickTexts(locales.resources[lng]?.[bankNs], assembled.textKeys));
    setReview(review, lng, ns, { status: reviewOf(bankReview, lng, bankNs)?.status ?? 'machine-draft' });
  }
  writeReview(textsDir, review);
  mkdirSync(dirname(out), { recursive: true });
  const textsShown = relative(dirname(out), textsDir) || '.';
  const header = [
    `# Assembled by \`stemmen survey new\` from the question bank (${o.all ? 'all questions' : 'core questions'} of: ${o.indicators.join(', ')}${assembled.background.length > 0 ? '; background questions' : ''}).`,
    `# Texts: ${textsShown}/<lng>/${ns}.json beside this file (machine drafts are marked in ${textsShown}/review.json).`,
  ].join('\n');
  writeFileSync(out, `${header}\n${stringify(assembled.spec, { lineWidth: 0, flowCollectionPadding: true })}`);

  const loaded = loadSurveyFile(out, projectLocales, { maxMinutes: o.maxMinutes, textsDir: o.locales });
  for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
  process.stdout.write(`wrote ${shown(out)} and ${shown(textsDir)}/<lng>/${ns}.json for ${bank.survey.languages.join(', ')}\n`);
  if (assembled.background.length > 0) process.stdout.write(`background questions (optional, asked at the end): ${assembled.background.join(', ')}\n`);
  process.stdout.write(`ok ${shown(out)}: ${assembled.questionCount} questions, ${o.languages.length} languages, about ${loaded.estimatedMinutes} minutes\n`);
  return 0;
}
