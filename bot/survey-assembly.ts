/**
 * Writing a pilot survey assembled from the question bank: the YAML file and its texts copied
 * into the survey's own namespace beside it (`<folder>/locales/<lng>/survey-<id>.json` and its
 * `review.json`), or into `locales` when given. Shared by `stemmen survey new` and the
 * dashboard's pilot builder; the caller validates the result with loadSurveyFile.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readLocales } from './i18n.ts';
import { loadSurveyFile, surveyTextsDir } from './conversation/survey-files.ts';
import { assembleSurvey, pickTexts } from '../surveys/bank/assemble.ts';
import { closest } from '../surveys/spec/suggest.ts';
import { UsageError } from './usage-error.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from './locale-files.ts';

export const BANK_FILE = join(import.meta.dirname, '../surveys/bank/bank.yaml');

export interface AssembleFilesOptions {
  indicators: string[];
  /** Survey languages; undefined: every language of the bank. */
  languages?: string[] | undefined;
  out: string;
  id?: string | undefined;
  all: boolean;
  /** Also the bank's background questions (age band, residence status, …), at the end. */
  background?: boolean | undefined;
  force: boolean;
  bank?: string | undefined;
  /** Folder for the survey's texts; default `locales/` beside the survey file. */
  locales?: string | undefined;
  /** Copy every bank text, not only the picked questions': the pilot builder adds bank questions later. */
  allTexts?: boolean | undefined;
}

const shown = (f: string) => relative(process.cwd(), f) || f;

/** Assembles and writes the survey and its texts; throws UsageError naming the option and the fix. */
export function writeBankSurvey(localesDir: string, o: AssembleFilesOptions) {
  const bankFile = resolve(o.bank ?? BANK_FILE);
  const projectLocales = readLocales(localesDir);
  // Validates the bank itself (ids, outcomes, every text in every bank language).
  const bank = loadSurveyFile(bankFile, projectLocales, { maxMinutes: Infinity });
  const locales = bank.locales;
  const bankNs = bank.survey.namespace;
  const languages = o.languages ?? bank.survey.languages;
  for (const lng of languages) {
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
    languages,
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
  const bankReview = readReview(localesDir);
  const review = readReview(textsDir);
  for (const lng of bank.survey.languages) {
    const bankTexts = locales.resources[lng]?.[bankNs];
    writeNamespace(textsDir, lng, ns, o.allTexts === true ? structuredClone(bankTexts ?? {}) : pickTexts(bankTexts, assembled.textKeys));
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

  return { out, textsDir, ns, assembled, bankLanguages: bank.survey.languages, projectLocales };
}
