/**
 * `stemmen survey new`: a pilot survey assembled from the question bank, with its texts
 * copied into the survey's own locale namespace (so researchers can reword them per pilot),
 * then validated like any survey file, including the completion-time estimate.
 * @module
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Config } from '../../bot/config.ts';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
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
  force: boolean;
  maxMinutes: number;
  bank?: string | undefined;
}

export function runSurveyNew(config: Config, o: SurveyNewOptions): number {
  const bankFile = resolve(o.bank ?? BANK_FILE);
  const locales = readLocales(config.localesDir);
  // Validates the bank itself (ids, outcomes, every text in every bank language).
  const bank = loadSurveyFile(bankFile, locales, { maxMinutes: Infinity });
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
  const assembled = assembleSurvey(parse(readFileSync(bankFile, 'utf8')), { id, indicators: o.indicators, languages: o.languages, all: o.all });
  if (!assembled.ok) throw new UsageError(assembled.message);

  const ns = `survey-${id}`;
  const targets = [out, ...bank.survey.languages.map((l) => namespaceFile(config.localesDir, l, ns))];
  const existing = targets.filter((f) => existsSync(f));
  if (existing.length > 0 && !o.force) {
    throw new UsageError(`${relative(process.cwd(), existing[0]!)} already exists; choose another --out/--id or pass --force to overwrite`);
  }

  // Texts for every bank language, not only the survey's: `check locales` wants every
  // namespace in every language, and adding a language later is then a one-word change.
  const review = readReview(config.localesDir);
  for (const lng of bank.survey.languages) {
    writeNamespace(config.localesDir, lng, ns, pickTexts(locales.resources[lng]?.[bankNs], assembled.textKeys));
    setReview(review, lng, ns, { status: reviewOf(review, lng, bankNs)?.status ?? 'machine-draft' });
  }
  writeReview(config.localesDir, review);
  mkdirSync(dirname(out), { recursive: true });
  const header = [
    `# Assembled by \`stemmen survey new\` from the question bank (${o.all ? 'all questions' : 'core questions'} of: ${o.indicators.join(', ')}).`,
    `# Texts: locales/<lng>/${ns}.json (machine drafts are marked in locales/review.json).`,
  ].join('\n');
  writeFileSync(out, `${header}\n${stringify(assembled.spec, { lineWidth: 0, flowCollectionPadding: true })}`);

  const loaded = loadSurveyFile(out, readLocales(config.localesDir), { maxMinutes: o.maxMinutes });
  for (const w of loaded.warnings) process.stdout.write(`${formatIssue(w)}\n`);
  process.stdout.write(`wrote ${relative(process.cwd(), out)} and locales/<lng>/${ns}.json for ${bank.survey.languages.join(', ')}\n`);
  process.stdout.write(
    `ok ${relative(process.cwd(), out)}: ${assembled.questionCount} questions, ${o.languages.length} languages, about ${loaded.estimatedMinutes} minutes\n`,
  );
  return 0;
}
