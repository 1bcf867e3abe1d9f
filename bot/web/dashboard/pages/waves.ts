/**
 * The map page's section on repeated waves: per indicator, red and green shares in one wave
 * and the next, for the same people and for all people, each with n ("too few" below the
 * minimum group size), and a selector for the wave to compare with the one before.
 * @module
 */
import type { WaveCell, WaveDelta, WaveReport } from '../../reporting/wave-change.ts';
import { html } from '../html.ts';
import type { PageContext } from '../layout.ts';

function cell(ctx: PageContext, c: WaveCell) {
  const { t } = ctx;
  if (c.n === null) return html`<td data-small-group>${t('waves.small')}</td>`;
  if (c.red === null) return html`<td class="muted">${t('map.aggregate.none')}</td>`;
  return html`<td>${t('waves.cell', { red: c.red, green: c.green })}<br><span class="muted">${t('waves.n', { n: c.n })}</span></td>`;
}

const signed = (x: number) => (x > 0 ? `+${x}` : String(x));

function change(ctx: PageContext, d: WaveDelta | null) {
  return d === null ? html`<td class="muted">–</td>` : html`<td>${ctx.t('waves.change', { red: signed(d.red), green: signed(d.green) })}</td>`;
}

export function waveSection(ctx: PageContext, pilotCode: string, r: WaveReport) {
  const { t } = ctx;
  if (r.to === null || r.from === null) return html`<section data-waves><h2>${t('waves.title')}</h2><p class="muted">${t('waves.none')}</p></section>`;
  const span = t('waves.from_to', { from: r.from, to: r.to });
  const selector = html`<form class="filters card" method="get" action="/pilots/${pilotCode}" aria-label="${t('waves.title')}">
<label>${t('waves.wave')}<select name="wave">${r.waves
    .filter((w) => w > 1)
    .map(
      (w) => html`<option value="${w}" ${w === r.to ? 'selected' : ''}>${t('waves.from_to', { from: r.waves[r.waves.indexOf(w) - 1]!, to: w })}</option>`,
    )}</select></label>
<button class="primary" type="submit">${t('waves.compare')}</button></form>`;
  const rows = r.data.map(
    (d) => html`<tr data-wave-indicator="${d.indicator}"><th scope="row">${t(`${d.indicator}.name`, { ns: 'indicators' })}</th>
${cell(ctx, d.same.from)}${cell(ctx, d.same.to)}${change(ctx, d.same.change)}${cell(ctx, d.all.from)}${cell(ctx, d.all.to)}${change(ctx, d.all.change)}</tr>`,
  );
  return html`<section data-waves data-from="${r.from}" data-to="${r.to}"><h2>${t('waves.title')}: ${span}</h2>${selector}
<p class="muted">${t('waves.explain')}</p>
<div class="scroll" tabindex="0"><table><thead><tr><th scope="col" rowspan="2">${t('waves.indicator')}</th><th scope="colgroup" colspan="3">${t('waves.same')}</th><th scope="colgroup" colspan="3">${t('waves.all')}</th></tr>
<tr><th scope="col">${t('waves.wave')} ${r.from}</th><th scope="col">${t('waves.wave')} ${r.to}</th><th scope="col">Δ</th><th scope="col">${t('waves.wave')} ${r.from}</th><th scope="col">${t('waves.wave')} ${r.to}</th><th scope="col">Δ</th></tr></thead>
<tbody>${rows}</tbody></table></div></section>`;
}
