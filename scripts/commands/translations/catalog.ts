/**
 * What a language needs: the source language's keys per namespace, with plural stems
 * expanded to the target language's own plural forms (ar needs six, ti two), and the checks a
 * translated text must pass (same placeholders as its source).
 * @module
 */
import { flatten, type LocaleBundle } from '../../../bot/i18n.ts';
import { placeholders, PLURAL, STAFF_NAMESPACES } from '../../checks/locales.ts';

export interface Needed {
  ns: string;
  key: string;
  /** The source text this key is translated from (for plural forms, the source's matching or "other" form). */
  source: string;
}

const ORDER = ['zero', 'one', 'two', 'few', 'many', 'other'];

/** The plural forms `lng` uses, in the usual order (zero … other). */
export function pluralCategories(lng: string): string[] {
  return (new Intl.PluralRules(lng).resolvedOptions().pluralCategories as string[]).sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
}

/**
 * Every key `lng` needs in every namespace of `source`, plural-aware, in file order. Staff
 * namespaces (the dashboard) count only for their languages or where the language has the
 * file already, unless asked for by name.
 */
export function neededKeys(bundle: LocaleBundle, lng: string, source = 'en', only?: string): Needed[] {
  const out: Needed[] = [];
  for (const [ns, tree] of Object.entries(bundle.resources[source] ?? {})) {
    if (only !== undefined && ns !== only) continue;
    const staff = STAFF_NAMESPACES[ns];
    if (only === undefined && staff && !staff.includes(lng) && !bundle.resources[lng]?.[ns]) continue;
    const flat = flatten(tree);
    const stems = new Set<string>();
    for (const [key, text] of Object.entries(flat)) {
      const stem = key.replace(PLURAL, '');
      if (stem === key) {
        out.push({ ns, key, source: text });
        continue;
      }
      if (stems.has(stem)) continue;
      stems.add(stem);
      for (const c of pluralCategories(lng)) out.push({ ns, key: `${stem}_${c}`, source: flat[`${stem}_${c}`] ?? flat[`${stem}_other`] ?? text });
    }
  }
  return out;
}

/** Null when `translated` keeps exactly the source's placeholders, else what is wrong. */
export function placeholderProblem(source: string, translated: string): string | null {
  const want = placeholders(source),
    have = placeholders(translated);
  if (want === have) return null;
  const fmt = (s: string) =>
    s === ''
      ? 'none'
      : s
          .split(',')
          .map((x) => `{{${x}}}`)
          .join(' ');
  return `placeholders ${fmt(have)} do not match the source's ${fmt(want)}; keep every {{…}} exactly as in the source`;
}

/** Sets a dotted key in a nested locale object, creating objects on the way. */
export function setAt(tree: Record<string, unknown>, key: string, value: string): void {
  const parts = key.split('.');
  let node = tree;
  for (const p of parts.slice(0, -1)) {
    if (typeof node[p] !== 'object' || node[p] === null) node[p] = {};
    node = node[p] as Record<string, unknown>;
  }
  node[parts[parts.length - 1]!] = value;
}
