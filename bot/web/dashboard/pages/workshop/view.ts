/**
 * The workshop page's parts: the team's knowledge map beside the newcomers' experience map
 * (tiles and the same figures as a table), the colouring form (radio buttons and notes, no
 * script), the reflection cards, and the two next steps for red and orange indicators.
 * @module
 */
import type { TFunction } from 'i18next';
import type { CombinedColour, PlannedExpertpool, ReflectionCard, WorkshopEntry, WorkshopVersionInfo } from '../../../../../storage/workshops.ts';
import { isBlindSpot, KNOWLEDGE_COLOURS, type KnowledgeColour } from '../../../../../surveys/knowledge.ts';
import type { IndicatorSummary } from '../../../reporting/traffic-map.ts';
import { html, type Html } from '../../html.ts';

export interface WorkshopModel {
  t: TFunction;
  /** The indicators' names in the page's language. */
  name: (indicator: string) => string;
  base: string;
  /** `?lang=…` to carry on links and forms when the language came from the query. */
  langQuery: string;
  combined: CombinedColour[];
  entries: WorkshopEntry[];
  cards: ReflectionCard[];
  /** Null: the organisation has no pilot yet. */
  experience: IndicatorSummary[] | null;
  me: string;
}

const q = (m: WorkshopModel, extra: Record<string, string> = {}) => {
  const p = new URLSearchParams(m.langQuery ? { lang: m.langQuery, ...extra } : extra).toString();
  return p ? `?${p}` : '';
};

export const colourLabel = (t: TFunction, c: KnowledgeColour | null): string => t(`workshop.colour.${c ?? 'none'}`);

/** Experience in words: its aggregate colour, or why there is none. */
export function experienceLabel(t: TFunction, s: IndicatorSummary | undefined): { cls: string; text: string } {
  if (!s) return { cls: 'none', text: t('workshop.experience.no_pilot') };
  if (s.aggregate === 'small_group') return { cls: 'none', text: t('workshop.experience.small_group') };
  if (s.aggregate === 'none') return { cls: 'none', text: t('workshop.experience.none') };
  return { cls: s.aggregate, text: t(`workshop.experience.${s.aggregate}`) };
}

export function mapSection(m: WorkshopModel): Html {
  const { t } = m;
  const exp = new Map((m.experience ?? []).map((s) => [s.id, s]));
  const members = [...new Set(m.entries.map((e) => e.member))].sort();
  const tiles = m.combined.map((c) => {
    const e = experienceLabel(t, exp.get(c.indicator));
    return html`<div class="ws-pair" data-indicator="${c.indicator}"><h3>${m.name(c.indicator)}</h3>
<span class="chip ${c.colour ?? 'none'}" data-knowledge="${c.colour ?? 'none'}">${t('workshop.map.knowledge')}: ${colourLabel(t, c.colour)}</span>
<span class="chip ${e.cls}" data-experience="${e.cls}">${t('workshop.map.experience')}: ${e.text}</span></div>`;
  });
  const rows = m.combined.map((c) => {
    const e = experienceLabel(t, exp.get(c.indicator));
    const s = exp.get(c.indicator);
    return html`<tr data-row="${c.indicator}"><th scope="row">${m.name(c.indicator)}</th><td data-team="${c.colour ?? 'none'}">${colourLabel(t, c.colour)}</td>
<td>${t('workshop.map.spread', c.spread)}</td>
${members.map((who) => {
  const mine = m.entries.find((x) => x.indicator === c.indicator && x.member === who);
  return html`<td>${mine ? colourLabel(t, mine.colour) : '–'}${mine?.note ? html`<br><span class="muted">${mine.note}</span>` : ''}</td>`;
})}
<td>${e.text}${s?.respondents ? html` <span class="muted">(${t('workshop.map.people', { count: s.respondents })})</span>` : ''}</td></tr>`;
  });
  return html`<section aria-labelledby="ws-map"><h2 id="ws-map">${t('workshop.map.title')}</h2>
<p class="muted">${t('workshop.map.rule')}</p>
${m.experience === null ? html`<p class="notice">${t('workshop.experience.no_pilots')}</p>` : ''}
<div class="ws-map">${tiles}</div>
<h3>${t('workshop.map.table')}</h3><div class="scroll" tabindex="0"><table><caption class="muted">${t('workshop.map.table_caption')}</caption>
<thead><tr><th scope="col">${t('workshop.map.indicator')}</th><th scope="col">${t('workshop.map.team')}</th><th scope="col">${t('workshop.map.spread_head')}</th>
${members.map((who) => html`<th scope="col">${who}</th>`)}<th scope="col">${t('workshop.map.experience')}</th></tr></thead><tbody>${rows}</tbody></table></div></section>`;
}

/** The member's own colours and notes, and the team's reflection cards, as one plain form. */
export function colourForm(m: WorkshopModel, csrf: Html, workshopName: string): Html {
  const { t } = m;
  const fields = m.combined.map(({ indicator }) => {
    const mine = m.entries.find((e) => e.indicator === indicator && e.member === m.me);
    const card = m.cards.find((c) => c.indicator === indicator);
    const name = m.name(indicator);
    const radio = (c: KnowledgeColour | '') =>
      html`<label><input type="radio" name="colour.${indicator}" value="${c}" ${(mine?.colour ?? '') === c ? 'checked' : ''} aria-label="${t('workshop.form.radio_label', { indicator: name, colour: colourLabel(t, c || null) })}">${colourLabel(t, c || null)}</label>`;
    const area = (field: string, value: string | undefined) =>
      html`<label>${t(`workshop.card.${field}`)}<textarea name="${field}.${indicator}" rows="2">${value ?? ''}</textarea></label>`;
    return html`<fieldset data-indicator="${indicator}"><legend>${name}</legend>
<div class="ws-radios" role="radiogroup" aria-label="${t('workshop.form.group_label', { indicator: name })}">${KNOWLEDGE_COLOURS.map(radio)}${radio('')}</div>
<label>${t('workshop.form.note')}<textarea name="note.${indicator}" rows="2">${mine?.note ?? ''}</textarea></label>
<details${card ? ' open' : ''}><summary>${t('workshop.card.title')}</summary><div class="ws-card">
${area('known', card?.known)}${area('known_source', card?.knownSource)}${area('unknown', card?.unknown)}${area('unknown_how', card?.unknownHow)}</div></details></fieldset>`;
  });
  return html`<section aria-labelledby="ws-form"><h2 id="ws-form">${t('workshop.form.title')}</h2><p class="muted">${t('workshop.form.help', { email: m.me })}</p>
<form method="post" action="${m.base}${q(m)}">${csrf}
<label>${t('workshop.form.name')} <input name="name" value="${workshopName}" maxlength="120" required></label>
${fields}<button class="primary" type="submit">${t('workshop.form.save')}</button></form></section>`;
}

/** The two next steps for what the team knows little of: a pilot survey, or a planned expertpool. */
export function nextSteps(m: WorkshopModel, csrf: Html | null, planned: readonly PlannedExpertpool[], version: number | null): Html {
  const { t } = m;
  const spots = m.combined.filter((c) => isBlindSpot(c.colour));
  const boxes = (prefix: string) =>
    spots.map(
      (c) =>
        html`<label><input type="checkbox" name="indicators" value="${c.indicator}" checked id="${prefix}-${c.indicator}"> ${m.name(c.indicator)} (${colourLabel(t, c.colour)})</label>`,
    );
  const list = planned.length
    ? html`<table><thead><tr><th scope="col">${t('workshop.map.indicator')}</th><th scope="col">${t('workshop.next.team_colour')}</th><th scope="col">${t('workshop.next.note')}</th><th scope="col">${t('workshop.next.planned')}</th></tr></thead>
<tbody>${planned.map((p) => html`<tr data-planned="${p.indicator}"><td>${m.name(p.indicator)}</td><td>${colourLabel(t, p.colour)}</td><td>${p.note}</td><td>${t('workshop.next.planned_by', { by: p.plannedBy, at: p.plannedAt.slice(0, 16).replace('T', ' '), version: p.version })}</td></tr>`)}</tbody></table>`
    : html`<p class="muted">${t('workshop.next.none_planned')}</p>`;
  const forms =
    csrf && version !== null && spots.length > 0
      ? html`<div class="ws-actions"><form method="post" action="${m.base}/pilot${q(m)}" class="card">${csrf}<input type="hidden" name="version" value="${version}">
<h3>${t('workshop.next.pilot_title')}</h3><p class="muted">${t('workshop.next.pilot_help')}</p>${boxes('p')}
<label>${t('workshop.next.pilot_name')} <input name="name" required maxlength="120" value="${t('workshop.next.pilot_default_name')}"></label>
<button class="primary" type="submit">${t('workshop.next.pilot_button')}</button></form>
<form method="post" action="${m.base}/expertpool${q(m)}" class="card">${csrf}<input type="hidden" name="version" value="${version}">
<h3>${t('workshop.next.pool_title')}</h3><p class="muted">${t('workshop.next.pool_help')}</p>${boxes('e')}
<label>${t('workshop.next.note')}<textarea name="note" rows="2" maxlength="2000"></textarea></label>
<button class="primary" type="submit">${t('workshop.next.pool_button')}</button></form></div>`
      : html`<p class="muted">${spots.length === 0 ? t('workshop.next.no_spots') : t('workshop.next.read_only')}</p>`;
  return html`<section aria-labelledby="ws-next"><h2 id="ws-next">${t('workshop.next.title')}</h2>${forms}<h3>${t('workshop.next.planned_title')}</h3>${list}</section>`;
}

export function versionList(t: TFunction, versions: readonly WorkshopVersionInfo[], link: (v: number) => string, current: number | null): Html {
  if (versions.length === 0) return html`<p class="muted">${t('workshop.versions.none')}</p>`;
  return html`<details><summary>${t('workshop.versions.title', { count: versions.length })}</summary><ul>${versions.map(
    (v) =>
      html`<li>${v.version === current ? html`<strong>${t('workshop.versions.item', { version: v.version, at: v.savedAt.slice(0, 16).replace('T', ' '), by: v.savedBy })}</strong>` : html`<a href="${link(v.version)}">${t('workshop.versions.item', { version: v.version, at: v.savedAt.slice(0, 16).replace('T', ' '), by: v.savedBy })}</a>`}</li>`,
  )}</ul></details>`;
}
