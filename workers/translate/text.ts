/**
 * Preparing a respondent's text for a translation server and translating it whole: scrubbed
 * first (personal details never leave for the MT server), invisible bidi controls dropped
 * (they carry no meaning and confuse engines), cut into chunks at whitespace so a long answer
 * fits the server's character limit, and each chunk checked: an empty translation of a
 * non-empty chunk is garbage, not a translation.
 * @module
 */
import { TranslationError, type Translator } from '../clients/libretranslate.ts';
import { INVISIBLE, scrubText } from '../privacy/scrub.ts';

/** Characters per request: under LibreTranslate's common `--char-limit` settings. */
export const CHUNK_CHARS = 2000;
/** Beyond this only the start is translated, and the translation says so. */
export const MAX_TRANSLATED_CHARS = 20_000;
export const TRUNCATED_MARK = ' […]';

/** The text as it may be sent: scrubbed, without bidi controls and zero-width characters. */
export function forTranslation(text: string, region?: string): string {
  return scrubText(text, { region }).replace(INVISIBLE, '').trim();
}

/** Whether anything is left to translate once the masks are set aside (emoji-only answers are not). */
export function hasWords(prepared: string): boolean {
  return /[\p{L}\p{N}]/u.test(prepared.replace(/\[(?:phone|email|iban|bsn|address|url)\]/g, ''));
}

/** Chunks of at most `max` characters, cut after whitespace where there is some, never inside a surrogate pair. */
export function chunkText(text: string, max = CHUNK_CHARS): string[] {
  const out: string[] = [];
  let rest = text;
  while (rest.length > max) {
    let cut = rest.lastIndexOf(' ', max);
    const nl = rest.lastIndexOf('\n', max);
    if (nl > cut) cut = nl;
    if (cut < max / 2) cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest.length > 0) out.push(rest);
  return out;
}

/** Translates a prepared text chunk by chunk (one request each), the result scrubbed again. */
export async function translateLong(translator: Translator, prepared: string, from: string, to: string, region?: string): Promise<string> {
  const truncated = prepared.length > MAX_TRANSLATED_CHARS;
  const chunks = chunkText(truncated ? prepared.slice(0, MAX_TRANSLATED_CHARS) : prepared);
  const parts: string[] = [];
  for (const chunk of chunks) {
    const [t] = await translator.translate([chunk], from, to);
    if (typeof t !== 'string' || (t.trim() === '' && chunk.trim() !== ''))
      throw new TranslationError(`the translation server sent an empty translation for ${from}→${to}`);
    parts.push(t.trim());
  }
  return scrubText(parts.join(' '), { region }) + (truncated ? TRUNCATED_MARK : '');
}
