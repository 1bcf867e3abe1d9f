/**
 * `stemmen translations machine-draft --lang ti`: fills every missing text of a language
 * through the LibreTranslate server at MT_URL and marks what it wrote as unreviewed.
 * Nothing is written unless the whole run succeeds; a text whose placeholders the engine
 * loses is left out and listed.
 * @module
 */
import { readFileSync } from 'node:fs';
import type { Config } from '../../../bot/config.ts';
import { flatten, readLocales } from '../../../bot/i18n.ts';
import { LibreTranslateClient, TranslationError, type Translator } from '../../../workers/clients/libretranslate.ts';
import { UsageError } from '../../errors.ts';
import { namespaceFile, readReview, reviewOf, setReview, writeNamespace, writeReview } from '../../../bot/locale-files.ts';
import { neededKeys, placeholderProblem, setAt, type Needed } from './catalog.ts';

export interface DraftOptions {
  lang: string;
  ns?: string | undefined;
}

/** Translates one by one after a batch failed on a placeholder, so one text does not sink the rest. */
async function translateAll(mt: Translator, items: Needed[], lang: string): Promise<{ done: Array<Needed & { text: string }>; lost: string[] }> {
  const done: Array<Needed & { text: string }> = [];
  const lost: string[] = [];
  const sources = items.map((n) => n.source);
  let texts: Array<string | null>;
  try {
    texts = await mt.translate(sources, 'en', lang);
  } catch (e) {
    if (!(e instanceof TranslationError) || !/lost or repeated/.test(e.message)) throw e;
    texts = [];
    for (const s of sources) {
      try {
        texts.push((await mt.translate([s], 'en', lang))[0]!);
      } catch (x) {
        if (!(x instanceof TranslationError) || !/lost or repeated/.test(x.message)) throw x;
        texts.push(null);
      }
    }
  }
  items.forEach((n, i) => {
    const t = texts[i];
    if (t === null || t === undefined || placeholderProblem(n.source, t)) lost.push(`${n.ns} ${n.key}`);
    else done.push({ ...n, text: t });
  });
  return { done, lost };
}

export async function runMachineDraft(config: Config, o: DraftOptions, translator?: Translator): Promise<number> {
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(o.lang)) throw new UsageError(`--lang "${o.lang}" is not a language code such as ti, ar or pt-BR`);
  if (o.lang === 'en') throw new UsageError('--lang en is the source language; machine drafts are made from it');
  if (!translator && !config.mt)
    throw new UsageError('MT_URL is not set; point it at a LibreTranslate server (e.g. MT_URL=http://127.0.0.1:5000) and set MT_API_KEY if it needs one');
  const mt = translator ?? new LibreTranslateClient({ url: config.mt!.url, apiKey: config.mt!.apiKey });
  const bundle = readLocales(config.localesDir);
  if (o.ns !== undefined && !bundle.resources.en?.[o.ns])
    throw new UsageError(`--ns "${o.ns}" is not a namespace of locales/en (it has ${Object.keys(bundle.resources.en ?? {}).join(', ')})`);
  const missing = neededKeys(bundle, o.lang, 'en', o.ns).filter((n) => flatten(bundle.resources[o.lang]?.[n.ns] ?? {})[n.key] === undefined);
  if (missing.length === 0) {
    process.stdout.write(`${o.lang}: nothing is missing${o.ns ? ` in ${o.ns}` : ''}\n`);
    return 0;
  }

  let result: Awaited<ReturnType<typeof translateAll>>;
  try {
    result = await translateAll(mt, missing, o.lang);
  } catch (e) {
    if (e instanceof TranslationError) throw new UsageError(`${e.message}\nnothing was written`);
    throw e;
  }
  const review = readReview(config.localesDir);
  const byNs = new Map<string, Array<{ key: string; text: string }>>();
  for (const d of result.done) byNs.set(d.ns, [...(byNs.get(d.ns) ?? []), d]);
  for (const [ns, items] of byNs) {
    let tree: Record<string, unknown> = {};
    try {
      tree = JSON.parse(readFileSync(namespaceFile(config.localesDir, o.lang, ns), 'utf8')) as Record<string, unknown>;
    } catch {
      /* new for this language */
    }
    for (const { key, text } of items) setAt(tree, key, text);
    writeNamespace(config.localesDir, o.lang, ns, tree);
    const before = reviewOf(review, o.lang, ns);
    if (before?.status === 'reviewed')
      setReview(review, o.lang, ns, { status: 'reviewed', unreviewedKeys: [...new Set([...(before.unreviewedKeys ?? []), ...items.map((i) => i.key)])] });
    else setReview(review, o.lang, ns, { status: 'machine-draft' });
  }
  writeReview(config.localesDir, review);
  for (const l of result.lost) process.stdout.write(`left out (the translation lost a placeholder): ${o.lang} ${l}\n`);
  process.stdout.write(
    `${o.lang}: ${result.done.length} machine drafts written in ${[...byNs.keys()].join(', ')}, marked unreviewed in locales/review.json${result.lost.length ? `; ${result.lost.length} left out` : ''}\n`,
  );
  return result.lost.length > 0 ? 1 : 0;
}
