/**
 * `stemmen translations import table.csv|xlsx --lang ti`: a translator's table back into
 * `locales/ti/*.json`. Every row is checked (known namespace and key, the language's own plural
 * forms, the source's placeholders) and every problem is listed with its line; one problem
 * and nothing is written. Imported texts count as reviewed unless `--unreviewed`.
 * @module
 */
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import type { Config } from '../../../bot/config.ts';
import { flatten, readLocales } from '../../../bot/i18n.ts';
import { closest } from '../../../surveys/spec/suggest.ts';
import { PLURAL } from '../../checks/locales.ts';
import { UsageError } from '../../errors.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from '../../../bot/locale-files.ts';
import { neededKeys, placeholderProblem, pluralCategories, setAt } from './catalog.ts';
import { readTable } from './table.ts';

export interface ImportOptions {
  lang: string;
  unreviewed: boolean;
}

export async function runTranslationsImport(config: Config, file: string, o: ImportOptions): Promise<number> {
  const path = resolve(file);
  const shown = relative(process.cwd(), path) || path;
  const { headers, rows } = await readTable(path, shown);
  for (const h of ['namespace', 'key', o.lang]) {
    if (!headers.includes(h))
      throw new UsageError(
        `${shown}: no "${h}" column (the header has ${headers.join(', ')}); use the table \`stemmen translations export --lang ${o.lang}\` writes`,
      );
  }
  const bundle = readLocales(config.localesDir);
  const needed = new Map(neededKeys(bundle, o.lang).map((n) => [`${n.ns}\u0000${n.key}`, n]));
  const namespaces = Object.keys(bundle.resources.en ?? {});
  const errors: string[] = [];
  const updates = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const ns = r.cells.namespace?.trim() ?? '',
      key = r.cells.key?.trim() ?? '',
      text = r.cells[o.lang] ?? '';
    if (text.trim() === '') continue;
    if (!namespaces.includes(ns)) {
      errors.push(`${r.place}: namespace "${ns}" does not exist in locales/en${hint(ns, namespaces)}`);
      continue;
    }
    const n = needed.get(`${ns}\u0000${key}`);
    if (!n) {
      const stem = key.replace(PLURAL, '');
      const why =
        stem !== key && [...needed.values()].some((x) => x.ns === ns && x.key.replace(PLURAL, '') === stem)
          ? `plural form "${key.slice(stem.length + 1)}" is not used in ${o.lang} (it uses ${pluralCategories(o.lang).join(', ')}); leave this row empty`
          : `key "${key}" does not exist in locales/en/${ns}.json${hint(
              key,
              [...needed.values()].filter((x) => x.ns === ns).map((x) => x.key),
            )}`;
      errors.push(`${r.place}: ${why}`);
      continue;
    }
    const problem = placeholderProblem(n.source, text);
    if (problem) {
      errors.push(`${r.place}: ${ns} ${key}: ${problem}`);
      continue;
    }
    const m = updates.get(ns) ?? new Map<string, string>();
    m.set(key, text);
    updates.set(ns, m);
  }
  // A plural stem is only usable with all of the language's forms.
  for (const [ns, m] of updates) {
    const have = flatten(bundle.resources[o.lang]?.[ns] ?? {});
    const stems = new Set([...m.keys()].filter((k) => PLURAL.test(k)).map((k) => k.replace(PLURAL, '')));
    for (const stem of stems) {
      const missing = pluralCategories(o.lang).filter((c) => !m.has(`${stem}_${c}`) && have[`${stem}_${c}`] === undefined);
      if (missing.length > 0)
        errors.push(
          `${shown}: ${ns} ${stem}: ${o.lang} needs the plural form${missing.length > 1 ? 's' : ''} ${missing.map((c) => `${stem}_${c}`).join(', ')} too; fill ${missing.length > 1 ? 'them' : 'it'} in`,
        );
    }
  }
  if (errors.length > 0) throw new UsageError([...errors, `${shown}: ${errors.length} problem(s); nothing was imported`].join('\n'));

  const review = readReview(config.localesDir);
  let count = 0;
  for (const [ns, m] of updates) {
    const file = namespaceFile(config.localesDir, o.lang, ns);
    let tree: Record<string, unknown> = {};
    try {
      tree = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      /* a new namespace for this language */
    }
    for (const [k, v] of m) setAt(tree, k, v);
    writeNamespace(config.localesDir, o.lang, ns, tree);
    count += m.size;
    const before = reviewOf(review, o.lang, ns);
    const all = flatten(tree);
    if (o.unreviewed) {
      if (before?.status === 'reviewed')
        setReview(review, o.lang, ns, { status: 'reviewed', unreviewedKeys: [...new Set([...(before.unreviewedKeys ?? []), ...m.keys()])] });
      else setReview(review, o.lang, ns, { status: 'machine-draft' });
    } else {
      // What was a machine draft and is not in this table stays marked as such.
      const stillDraft = before?.status === 'reviewed' ? (before.unreviewedKeys ?? []) : Object.keys(all);
      const left = stillDraft.filter((k) => !m.has(k));
      setReview(review, o.lang, ns, left.length > 0 ? { status: 'reviewed', unreviewedKeys: left } : { status: 'reviewed' });
    }
  }
  writeReview(config.localesDir, review);
  process.stdout.write(
    `imported ${count} texts into ${[...updates.keys()].map((ns) => `locales/${o.lang}/${ns}.json`).join(', ') || 'nothing (every row was empty)'}${o.unreviewed ? ' (marked unreviewed)' : ' (marked reviewed)'}\n`,
  );
  return 0;
}

function hint(x: string, among: string[]): string {
  const c = closest(x, among);
  return c !== null ? `; did you mean "${c}"?` : '';
}
