/**
 * The workshop's one-page export: an A4 sheet with the 14 indicators, the team's colour in
 * words (never colour alone), the spread, every note and reflection card, the date and the
 * version. It is also the PDF route: the browser's "Save as PDF" on this page (no server-side
 * PDF renderer to install and keep patched).
 * @module
 */
import type { WorkshopSnapshot } from '../../../../../storage/workshops.ts';
import { html, type Html } from '../../html.ts';
import { colourLabel, experienceLabel, type WorkshopModel } from './view.ts';

export function printSheet(m: WorkshopModel, w: { name: string; organisation: string; snapshot: WorkshopSnapshot }): Html {
  const { t } = m;
  const exp = new Map((m.experience ?? []).map((s) => [s.id, s]));
  const rows = m.combined.map((c) => {
    const notes = m.entries.filter((e) => e.indicator === c.indicator);
    const card = m.cards.find((x) => x.indicator === c.indicator);
    const cardLine = (field: 'known' | 'knownSource' | 'unknown' | 'unknownHow', key: string) =>
      card?.[field] ? html`<div><strong>${t(`workshop.card.${key}`)}</strong> ${card[field]}</div>` : '';
    return html`<tr data-row="${c.indicator}"><th scope="row">${m.name(c.indicator)}</th>
<td><span class="chip ${c.colour ?? 'none'}">${colourLabel(t, c.colour)}</span><span class="muted">${t('workshop.map.spread', c.spread)}</span></td>
<td>${experienceLabel(t, exp.get(c.indicator)).text}</td>
<td>${notes.map((n) => html`<div>${n.member}: ${colourLabel(t, n.colour)}${n.note ? html` — ${n.note}` : ''}</div>`)}</td>
<td>${cardLine('known', 'known')}${cardLine('knownSource', 'known_source')}${cardLine('unknown', 'unknown')}${cardLine('unknownHow', 'unknown_how')}</td></tr>`;
  });
  return html`<article class="print-sheet"><p class="no-print"><a href="${m.base}${m.langQuery ? `?lang=${m.langQuery}` : ''}">${t('workshop.print.back')}</a> · ${t('workshop.print.pdf_hint')}</p>
<h1>${w.name} · ${w.organisation}</h1>
<p class="muted" data-version="${w.snapshot.version}">${t('workshop.versions.showing', { version: w.snapshot.version, at: w.snapshot.savedAt.slice(0, 16).replace('T', ' '), by: w.snapshot.savedBy })}</p>
<table><thead><tr><th scope="col">${t('workshop.map.indicator')}</th><th scope="col">${t('workshop.map.team')}</th><th scope="col">${t('workshop.map.experience')}</th>
<th scope="col">${t('workshop.print.notes')}</th><th scope="col">${t('workshop.card.title')}</th></tr></thead><tbody>${rows}</tbody></table>
<p class="muted">${t('workshop.map.rule')}</p></article>`;
}
