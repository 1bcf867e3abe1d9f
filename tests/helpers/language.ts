import { SCRIPT_LETTERS, SCRIPTS, TELLTALE_LETTERS } from '../../surveys/languages.ts';

/**
 * Does a reply read as the respondent's language? A script check: Arabic script for ar, fa,
 * prs, ps, ckb; Cyrillic for uk, ru; Ge'ez for ti; Latin letters for the others. Pashto and
 * Sorani must also show a letter of their own (ښ, ڕ ێ …), so Farsi or Arabic in their place fails.
 */
const LATIN = SCRIPT_LETTERS.Latn;

/** Why `text` does not look like `lang`, or null when it does. */
export function scriptProblem(text: string, lang: string): string | null {
  const code = SCRIPTS[lang];
  const script = code ? SCRIPT_LETTERS[code] : LATIN;
  if (!script.test(text)) return `expected ${lang} script in ${JSON.stringify(text.slice(0, 120))}`;
  const own = TELLTALE_LETTERS[lang];
  // Only texts long enough to be sure to contain one (a bare "Yes" may not).
  if (own && lang !== 'ru' && lang !== 'pl' && text.length > 80 && !own.test(text))
    return `expected letters of ${lang} in ${JSON.stringify(text.slice(0, 120))}`;
  return null;
}

/** A line that is a bare i18next key (`issue.not_a_date`): a text missing from the locale files. */
export function bareKey(text: string): string | null {
  return text.split('\n').find((l) => /^[a-z_]+(\.[a-z0-9_]+)+$/.test(l.trim())) ?? null;
}
