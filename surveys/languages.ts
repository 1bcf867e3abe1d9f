/**
 * Languages the product knows by name, written in their own script, and their direction.
 *
 * Endonyms are shown on the language buttons, so a person who reads no Latin script still
 * finds their language. Kept as data here (not in locales) because a language's own name
 * is the same whatever language the rest of the screen is in.
 * @module
 */
export const ENDONYMS: Readonly<Record<string, string>> = {
  en: 'English',
  nl: 'Nederlands',
  ar: 'العربية',
  fa: 'فارسی',
  prs: 'دری',
  ps: 'پښتو',
  uk: 'Українська',
  ru: 'Русский',
  ti: 'ትግርኛ',
  am: 'አማርኛ',
  so: 'Soomaali',
  tr: 'Türkçe',
  ku: 'Kurdî',
  kmr: 'Kurmancî',
  ckb: 'کوردی',
  pl: 'Polski',
  fr: 'Français',
  de: 'Deutsch',
  es: 'Español',
  pt: 'Português',
  ur: 'اردو',
  es_419: 'Español',
};

/** The language's own name, or its code when we do not know it. */
export function endonym(code: string): string {
  return ENDONYMS[code] ?? ENDONYMS[code.split('-')[0] ?? code] ?? code;
}

/**
 * The best supported language for a channel's hint ("pt-BR", "fa-IR", "ar"): exact match,
 * Afghan Persian as Dari, the primary subtag, then Dari → Farsi and Kurdish → Kurmanji
 * (Sorani when written in Arabic script). Null when none fits.
 */
export function matchLanguage(hint: string | null | undefined, supported: readonly string[]): string | null {
  if (!hint) return null;
  const h = hint.toLowerCase().replace('_', '-');
  const has = (l: string) => supported.includes(l);
  if (has(h)) return h;
  if (h === 'fa-af' && has('prs')) return 'prs';
  const primary = h.split('-')[0]!;
  if (has(primary)) return primary;
  if (primary === 'prs' && has('fa')) return 'fa';
  if (primary === 'ku') {
    const order = h.includes('arab') ? ['ckb', 'kmr'] : ['kmr', 'ckb'];
    return order.find(has) ?? null;
  }
  return null;
}

/**
 * Languages written right to left. i18next's `dir()` knows these too; this copy lets the pure
 * parts (checks, the translator's sheet) say so without an i18next instance.
 */
export const RTL: ReadonlySet<string> = new Set(['ar', 'fa', 'prs', 'ps', 'ckb', 'ur', 'he']);

/** `rtl` or `ltr` for a language code (`ckb`, `ar-SY`, `ku-Arab`). */
export function direction(code: string): 'rtl' | 'ltr' {
  const parts = code.split(/[-_]/);
  if (parts.includes('Arab')) return 'rtl';
  if (parts.includes('Latn')) return 'ltr';
  return RTL.has(parts[0] ?? code) ? 'rtl' : 'ltr';
}

/**
 * The best supported languages for several hints, in order, without repeats: the
 * suggestions the language picker shows first.
 */
export function matchLanguages(hints: readonly (string | null | undefined)[], supported: readonly string[]): string[] {
  const out: string[] = [];
  for (const h of hints) {
    const m = matchLanguage(h, supported);
    if (m !== null && !out.includes(m)) out.push(m);
  }
  return out;
}

/** The script a language's texts are written in (ISO 15924), for the locale check and tests. */
export const SCRIPTS: Readonly<Record<string, 'Arab' | 'Cyrl' | 'Ethi' | 'Latn'>> = {
  en: 'Latn',
  nl: 'Latn',
  ar: 'Arab',
  fa: 'Arab',
  prs: 'Arab',
  ps: 'Arab',
  ckb: 'Arab',
  ur: 'Arab',
  kmr: 'Latn',
  uk: 'Cyrl',
  ru: 'Cyrl',
  pl: 'Latn',
  ti: 'Ethi',
  am: 'Ethi',
  so: 'Latn',
  tr: 'Latn',
};

/** Letters of each script (Arabic includes the Persian, Pashto and Sorani additions). */
export const SCRIPT_LETTERS: Readonly<Record<'Arab' | 'Cyrl' | 'Ethi' | 'Latn', RegExp>> = {
  Arab: /[\u0620-\u064A\u066E-\u06D3\u06D5\u06EE-\u06FF]/u,
  Cyrl: /[\u0400-\u04FF]/u,
  Ethi: /[\u1200-\u137F]/u,
  Latn: /[A-Za-z\u00C0-\u024F]/u,
};

/**
 * Letters only one language of a shared script uses: a Pashto text has ټ ډ ړ ښ …, Sorani
 * ڕ ڵ ۆ ێ ە, Ukrainian і ї є ґ, Kurmanji ê î û ş, Polish ą ę ł ś ż. A file without any of them
 * is likely the neighbour language pasted in (Farsi for Pashto, Arabic for Sorani).
 */
export const TELLTALE_LETTERS: Readonly<Record<string, RegExp>> = {
  ps: /[ټډړښږڼېۍځڅ]/u,
  ckb: /[ڕڵۆێەھ]/u,
  uk: /[іїєґ]/u,
  ru: /[ыэъё]/u,
  kmr: /[êîûş]/u,
  pl: /[ąęłśżźćń]/u,
};
