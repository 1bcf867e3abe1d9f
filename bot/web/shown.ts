/**
 * What staff may read of what respondents typed or said: every answer text, transcript and
 * translation the dashboard, the exports and the read API show passes through here, so
 * personal details (phone numbers, e-mail, IBAN, BSN, addresses, URLs) are masked for every
 * role. The original stays in the database (the answers table and the answers_v* views), for
 * those who administer it.
 * @module
 */
import { scrubNullable, scrubText, scrubTranslationsJson } from '../../workers/privacy/scrub.ts';

/** One text as staff may see it. */
export const shownText = (text: string): string => scrubText(text);

/**
 * Whether `text` holds something the scrubber masks (phone, e-mail, IBAN, BSN, address, URL):
 * a search for one is refused, since finding it would tell the searcher who said it.
 */
export const holdsPersonalDetail = (text: string | undefined): boolean => text !== undefined && scrubText(text) !== text;

/** A translations object (language → text) as staff may see it. */
export const shownTranslations = (translations: Readonly<Record<string, string>>): Record<string, string> =>
  Object.fromEntries(Object.entries(translations).map(([lng, text]) => [lng, scrubText(text)]));

type TextColumns = { value_text?: string | null; transcript?: string | null; translations?: string | null };

/** An answer row (export, API) with its text columns scrubbed; other columns untouched. */
export function shownRow<R extends TextColumns>(row: R): R {
  const out = { ...row };
  if ('value_text' in row) out.value_text = scrubNullable(row.value_text ?? null);
  if ('transcript' in row) out.transcript = scrubNullable(row.transcript ?? null);
  if ('translations' in row) out.translations = scrubTranslationsJson(row.translations ?? null);
  return out;
}
