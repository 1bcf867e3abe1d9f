/**
 * `stemmen translations status` (coverage per language and namespace, reviewed vs machine
 * draft) and `stemmen translations export` (the table a translator fills in).
 * @module
 */
import { resolve } from 'node:path';
import type { Config } from '../../../bot/config.ts';
import { flatten, readLocales } from '../../../bot/i18n.ts';
import { UsageError } from '../../errors.ts';
import { readReview, reviewOf } from '../../../bot/locale-files.ts';
import { neededKeys } from './catalog.ts';
import { writeTable } from './table.ts';

export interface Coverage {
  lng: string;
  ns: string;
  have: number;
  total: number;
  status: string;
  unreviewed: number;
}

export function coverage(localesDir: string, source = 'en'): Coverage[] {
  const bundle = readLocales(localesDir);
  const review = readReview(localesDir);
  const out: Coverage[] = [];
  for (const lng of bundle.languages) {
    const byNs = new Map<string, number[]>();
    for (const n of neededKeys(bundle, lng, source)) {
      const has = flatten(bundle.resources[lng]?.[n.ns] ?? {})[n.key] !== undefined;
      byNs.set(
        n.ns,
        [...(byNs.get(n.ns) ?? [0, 0])].map((v, k) => v + (k === 0 ? Number(has) : 1)),
      );
    }
    for (const [ns, [have, total]] of byNs) {
      const r = reviewOf(review, lng, ns);
      out.push({
        lng,
        ns,
        have: have!,
        total: total!,
        status: r?.status ?? 'no status',
        unreviewed: r?.status === 'reviewed' ? (r.unreviewedKeys?.length ?? 0) : have!,
      });
    }
  }
  return out;
}

export function runStatus(config: Config, json: boolean): number {
  const rows = coverage(config.localesDir);
  if (json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return 0;
  }
  const nsWidth = Math.max(9, ...rows.map((r) => r.ns.length));
  process.stdout.write(`${'lang'.padEnd(5)} ${'namespace'.padEnd(nsWidth)} ${'coverage'.padStart(15)}  ${'status'.padEnd(13)} unreviewed\n`);
  for (const r of rows) {
    const pct = r.total === 0 ? 100 : Math.floor((r.have / r.total) * 1000) / 10;
    process.stdout.write(
      `${r.lng.padEnd(5)} ${r.ns.padEnd(nsWidth)} ${`${r.have}/${r.total} ${pct.toFixed(1)}%`.padStart(15)}  ${r.status.padEnd(13)} ${r.unreviewed}\n`,
    );
  }
  return 0;
}

export interface ExportOptions {
  lang: string;
  format: 'csv' | 'xlsx';
  out?: string | undefined;
  ns?: string | undefined;
  onlyMissing: boolean;
}

export async function runExport(config: Config, o: ExportOptions): Promise<number> {
  if (o.format !== 'csv' && o.format !== 'xlsx') throw new UsageError(`--format must be csv or xlsx, not "${String(o.format)}"`);
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(o.lang)) throw new UsageError(`--lang "${o.lang}" is not a language code such as ti, ar or pt-BR`);
  const bundle = readLocales(config.localesDir);
  if (o.ns !== undefined && !bundle.resources.en?.[o.ns])
    throw new UsageError(`--ns "${o.ns}" is not a namespace of locales/en (it has ${Object.keys(bundle.resources.en ?? {}).join(', ')})`);
  const review = readReview(config.localesDir);
  const rows = neededKeys(bundle, o.lang, 'en', o.ns).flatMap((n) => {
    const have = flatten(bundle.resources[o.lang]?.[n.ns] ?? {})[n.key];
    if (o.onlyMissing && have !== undefined) return [];
    const r = reviewOf(review, o.lang, n.ns);
    const status = have === undefined ? 'missing' : r?.status === 'reviewed' && !r.unreviewedKeys?.includes(n.key) ? 'reviewed' : 'machine-draft';
    return [{ namespace: n.ns, key: n.key, en: n.source, [o.lang]: have ?? '', status }];
  });
  const out = resolve(o.out ?? `translations-${o.lang}.${o.format}`);
  await writeTable(out, o.format, o.lang, ['namespace', 'key', 'en', o.lang, 'status'], rows);
  process.stdout.write(
    `wrote ${out}: ${rows.length} texts (${rows.filter((r) => r.status === 'missing').length} missing, ${rows.filter((r) => r.status === 'machine-draft').length} machine drafts); fill in the "${o.lang}" column and run \`stemmen translations import ${out} --lang ${o.lang}\`\n`,
  );
  return 0;
}
