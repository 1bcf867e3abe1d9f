/**
 * Locale coverage check: every language has every key English has, with the same
 * placeholders, and the plural forms its own plural rules need (ECOSYSTEM.md §6); staff-only
 * namespaces ({@link STAFF_NAMESPACES}) only in the languages listed for them. Every text is
 * in its language's script (Arabic for ar/fa/prs/ps/ckb, Cyrillic, Ge'ez, Latin), and a
 * namespace of a language with letters of its own (Pashto ښ, Sorani ڕ ێ) contains some.
 *
 * i18next's missing-key handler cannot do this: it fires only when the whole fallback
 * chain lacks a key, so a language silently showing English would never be reported.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flatten, readLocales } from '../../bot/i18n.ts';
import { SCRIPT_LETTERS, SCRIPTS, TELLTALE_LETTERS } from '../../surveys/languages.ts';

/**
 * Namespaces read by staff, not respondents (the dashboard), are required only in these
 * languages; elsewhere they may be absent and fall back to English. A language that does
 * have such a file must still have every key.
 */
export const STAFF_NAMESPACES: Readonly<Record<string, readonly string[]>> = { dashboard: ['en', 'nl', 'ar', 'ti'] };

/**
 * Texts an API caps, per namespace and key: Telegram's bot short description (120) and
 * description (512), set from these keys at startup; the API refuses a longer one outright.
 */
export const MAX_LENGTH: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  bot: { 'telegram.short_description': 120, 'telegram.description': 512 },
};

export const PLURAL = /_(zero|one|two|few|many|other)$/;
/** The sorted, comma-joined placeholder names of a text: what a translation must keep. */
export const placeholders = (s: string) =>
  [...s.matchAll(/\{\{\s*-?\s*([\w.]+)[^}]*\}\}/g)]
    .map((m) => m[1])
    .sort()
    .join(',');

export interface LocaleReport {
  /** Texts not in the language's script, or a namespace without the language's telltale letters. */
  wrongScript: string[];
  missing: string[];
  extra: string[];
  placeholderMismatch: string[];
  reviewMissing: string[];
  tooLong: string[];
}

export function checkLocales(dir: string, source = 'en'): LocaleReport {
  const bundle = readLocales(dir);
  const report: LocaleReport = { wrongScript: [], missing: [], extra: [], placeholderMismatch: [], reviewMissing: [], tooLong: [] };
  const review = existsSync(join(dir, 'review.json'))
    ? (JSON.parse(readFileSync(join(dir, 'review.json'), 'utf8')) as Record<string, Record<string, unknown>>)
    : {};
  const src = bundle.resources[source] ?? {};
  for (const lng of bundle.languages) {
    for (const ns of Object.keys(src)) {
      const staffOnly = STAFF_NAMESPACES[ns];
      if (staffOnly && !staffOnly.includes(lng) && bundle.resources[lng]?.[ns] === undefined) continue;
      if (!review[lng]?.[ns]) report.reviewMissing.push(`${lng}/${ns}: no review status in locales/review.json (add "reviewed" or "machine-draft")`);
      const limits = MAX_LENGTH[ns] ?? {};
      const texts = flatten(bundle.resources[lng]?.[ns] ?? {});
      for (const [key, max] of Object.entries(limits)) {
        const n = texts[key]?.length ?? 0;
        if (n > max) report.tooLong.push(`${lng}/${ns}.json: ${key} has ${n} characters; Telegram takes at most ${max}, shorten it`);
      }
      checkScript(lng, ns, texts, report);
      if (lng === source) continue;
      const want = flatten(src[ns]);
      const have = flatten(bundle.resources[lng]?.[ns] ?? {});
      const categories = new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[];
      const stems = new Set<string>();
      for (const key of Object.keys(want)) {
        const stem = key.replace(PLURAL, '');
        if (stem !== key) {
          stems.add(stem);
          continue;
        }
        if (!(key in have)) report.missing.push(`${lng}/${ns}.json: ${key}`);
        else if (placeholders(want[key]!) !== placeholders(have[key]!)) {
          report.placeholderMismatch.push(`${lng}/${ns}.json: ${key} has {{${placeholders(have[key]!)}}} but ${source} has {{${placeholders(want[key]!)}}}`);
        }
      }
      for (const stem of stems) {
        for (const c of categories) if (!(`${stem}_${c}` in have)) report.missing.push(`${lng}/${ns}.json: ${stem}_${c} (plural form "${c}" of ${lng})`);
      }
      for (const key of Object.keys(have)) {
        const stem = key.replace(PLURAL, '');
        if (!(key in want) && !(stem !== key && stems.has(stem))) report.extra.push(`${lng}/${ns}.json: ${key}`);
      }
    }
  }
  return report;
}

/** Letters with placeholders, URLs and all-caps words (START, DigiD) taken out: what must be in the language's script. */
const ownWords = (t: string) => t.replace(/\{\{[^}]*\}\}|https?:\/\/\S+|\b[A-Z][A-Za-z]*\b|\/\w+/g, ' ');

function checkScript(lng: string, ns: string, texts: Record<string, string>, report: LocaleReport): void {
  const script = SCRIPTS[lng];
  if (!script) return;
  const letters = SCRIPT_LETTERS[script];
  const any = /\p{L}/u;
  for (const [key, text] of Object.entries(texts)) {
    const own = ownWords(text);
    if (any.test(own) && !letters.test(own)) report.wrongScript.push(`${lng}/${ns}.json: ${key} is not in ${script} script; write it in ${lng}`);
  }
  const telltale = TELLTALE_LETTERS[lng];
  const all = Object.values(texts).join(' ');
  if (telltale && all.length > 200 && !telltale.test(all)) {
    report.wrongScript.push(`${lng}/${ns}.json: no letter only ${lng} uses (${telltale.source}); is this another language's text?`);
  }
}

export function runLocaleCheck(dir: string): number {
  const r = checkLocales(dir);
  for (const m of r.wrongScript) process.stderr.write(`script: ${m}\n`);
  for (const m of r.missing) process.stderr.write(`missing: ${m}\n`);
  for (const m of r.placeholderMismatch) process.stderr.write(`placeholders: ${m}\n`);
  for (const m of r.reviewMissing) process.stderr.write(`review: ${m}\n`);
  for (const m of r.tooLong) process.stderr.write(`too long: ${m}\n`);
  for (const m of r.extra) process.stdout.write(`extra (unused): ${m}\n`);
  const bad = r.wrongScript.length + r.missing.length + r.placeholderMismatch.length + r.reviewMissing.length + r.tooLong.length;
  if (!bad) process.stdout.write('locales: every language has every key, placeholder and plural form\n');
  return bad ? 1 : 0;
}
