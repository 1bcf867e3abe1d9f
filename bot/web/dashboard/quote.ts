/**
 * One quote as viewers and the quotes document show it: the original in its own language and
 * direction, its translations beside it, the language and at most the month. Nothing that
 * leads back to the person (no id, no exact date, no channel).
 * @module
 */
import type { TFunction } from 'i18next';
import type { QuoteText } from '../../../storage/coded-quotes.ts';
import { direction } from '../../../surveys/languages.ts';
import { shownText } from '../shown.ts';
import { html, type Html } from './html.ts';

/** The words of a quote: the typed text, else the transcript of the recording; null when there are none. */
export function original(q: QuoteText): { text: string; language: string } | null {
  if (q.text !== null && q.text.trim() !== '') return { text: q.text, language: q.language };
  if (q.transcript !== null && q.transcript.trim() !== '') return { text: q.transcript, language: q.transcriptLanguage ?? q.language };
  return null;
}

/** The language's name in the page's language, with its code ("Arabic (ar)"). */
export function languageName(code: string, lng: string): string {
  try {
    const name = new Intl.DisplayNames([lng], { type: 'language' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

/** "November 2026" for 2026-11: a quote's date is never finer than its month. */
export function monthName(month: string, lng: string): string {
  const d = new Date(`${month}-01T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? month : new Intl.DateTimeFormat(lng, { year: 'numeric', month: 'long', timeZone: 'UTC' }).format(d);
}

export function quoteBlock(t: TFunction, lng: string, q: QuoteText, month: string | null): Html | '' {
  const o = original(q);
  if (!o) return '';
  const translations = Object.entries(q.translations)
    .filter(([l, text]) => l !== o.language && text.trim() !== '')
    .map(
      ([l, text]) =>
        html`<p class="translation"><span class="muted">${t('coding.translation', { language: languageName(l, lng) })}</span><br><span lang="${l}" dir="${direction(l)}">${shownText(text)}</span></p>`,
    );
  return html`<blockquote class="quote" data-quote><p lang="${o.language}" dir="${direction(o.language)}">${shownText(o.text)}</p>${translations}<p class="muted">${languageName(o.language, lng)}${month ? ` · ${monthName(month, lng)}` : ''}</p></blockquote>`;
}
