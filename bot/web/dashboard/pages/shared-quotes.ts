/**
 * The quotes researchers marked shareable, per indicator, as viewers (policy makers) see them
 * beside the map and on an indicator's page. Which ones may show is decided in
 * reporting/coding.ts (`shownSharedQuotes`: the minimum group size); this only renders them.
 * @module
 */
import type { SharedQuote } from '../../../../storage/coded-quotes.ts';
import { INDICATOR_IDS } from '../../../../surveys/indicators.ts';
import { html, type Html } from '../html.ts';
import type { PageContext } from '../layout.ts';
import { quoteBlock } from '../quote.ts';

export function sharedQuotesSection(ctx: PageContext, quotes: ReadonlyMap<string, readonly SharedQuote[]>, withIndicatorHeadings: boolean): Html | '' {
  const { t, lng } = ctx;
  const sections = INDICATOR_IDS.filter((id) => quotes.has(id)).map((id) => {
    const blocks = quotes.get(id)!.map((q) => quoteBlock(t, lng, q, q.month));
    return html`<section class="card" data-shared-quotes="${id}">${withIndicatorHeadings ? html`<h3>${t(`${id}.name`, { ns: 'indicators' })}</h3>` : ''}${blocks}</section>`;
  });
  if (sections.length === 0) return '';
  return html`<h2>${t('coding.shared_quotes')}</h2><p class="muted">${t('coding.shared_quotes_explain')}</p>${sections}`;
}
