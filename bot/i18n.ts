/**
 * Loads every locale file once and renders engine messages into the respondent's language.
 * @module
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import i18next, { type i18n as I18n, type Resource } from 'i18next';

export interface LocaleBundle {
  /** lng → namespace → nested JSON. */
  resources: Resource;
  languages: string[];
  namespaces: string[];
}

/** Reads `<dir>/<lng>/<ns>.json` for every language folder. Throws with the file name on broken JSON. */
export function readLocales(dir: string): LocaleBundle {
  const resources: Resource = {};
  const namespaces = new Set<string>();
  const languages: string[] = [];
  for (const lng of readdirSync(dir).sort()) {
    const lngDir = join(dir, lng);
    if (!statSync(lngDir).isDirectory()) continue;
    languages.push(lng);
    resources[lng] = {};
    for (const f of readdirSync(lngDir)
      .filter((x) => x.endsWith('.json'))
      .sort()) {
      const ns = f.slice(0, -'.json'.length);
      const file = join(lngDir, f);
      try {
        resources[lng]![ns] = JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new LocaleFileError(file, (e as Error).message);
      }
      namespaces.add(ns);
    }
  }
  return { resources, languages, namespaces: [...namespaces] };
}

export class LocaleFileError extends Error {
  override name = 'LocaleFileError';
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: not valid JSON (${detail}); fix the syntax or restore the file from git`);
  }
}

/** Fallbacks: Dari reads Farsi before English; everything else falls back to English. */
export const FALLBACK_LNG = { prs: ['fa', 'en'], default: ['en'] };

/** A dedicated i18next instance (never the global one) with synchronous init. */
export function createI18n(bundle: LocaleBundle): I18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources: bundle.resources,
    supportedLngs: bundle.languages,
    fallbackLng: FALLBACK_LNG,
    ns: bundle.namespaces,
    defaultNS: 'bot',
    initAsync: false,
    returnNull: false,
    // Chat text is not HTML; channels that need escaping (Telegram HTML) do it themselves.
    interpolation: { escapeValue: false },
  });
  return instance;
}

/** Flattens nested JSON into dotted keys (`a.b.c`). */
export function flatten(obj: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (obj && typeof obj === 'object' && !Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (typeof obj === 'string') {
    out[prefix] = obj;
  }
  return out;
}

/** True when `<lng>/<ns>.json` itself (not a fallback) has the key. */
export function hasOwnText(bundle: LocaleBundle, lng: string, ns: string, key: string): boolean {
  let node: unknown = bundle.resources[lng]?.[ns];
  for (const part of key.split('.')) {
    if (!node || typeof node !== 'object') return false;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string';
}
