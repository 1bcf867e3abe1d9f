/**
 * Does a reply read as the respondent's language? A script check: Arabic script for ar/fa,
 * Cyrillic for uk, Ge'ez for ti, Latin letters for the others.
 */
const SCRIPT: Record<string, RegExp> = {
  ar: /[\u0600-\u06FF]/,
  fa: /[\u0600-\u06FF]/,
  uk: /[\u0400-\u04FF]/,
  ti: /[\u1200-\u137F]/,
};
const LATIN = /[A-Za-zÀ-ɏ]/;

/** Why `text` does not look like `lang`, or null when it does. */
export function scriptProblem(text: string, lang: string): string | null {
  const script = SCRIPT[lang] ?? LATIN;
  return script.test(text) ? null : `expected ${lang} script in ${JSON.stringify(text.slice(0, 120))}`;
}

/** A line that is a bare i18next key (`issue.not_a_date`): a text missing from the locale files. */
export function bareKey(text: string): string | null {
  return text.split('\n').find((l) => /^[a-z_]+(\.[a-z0-9_]+)+$/.test(l.trim())) ?? null;
}
