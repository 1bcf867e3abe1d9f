/**
 * The comparison page: the indicator maps of several pilots the user may see side by side
 * (and pooled, on request), each cell with its number of people and the minimum group size,
 * and a note on the questions the compared surveys do not share. Aggregates only, for every role.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Reports } from '../../../../storage/reports.ts';
import { INDICATOR_GROUPS } from '../../../../surveys/indicators.ts';
import { roleIn } from '../../access.ts';
import { comparePilots, type CompareCell, type Comparison } from '../../reporting/compare.ts';
import { compareQuery, MAX_COMPARED, requestedCodes, resolvePilots, type CompareQuery } from '../../reporting/compare-request.ts';
import { toAnswerFilter } from '../../reporting/traffic-map.ts';
import { pageContext, parseOr400, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';
import type { PageContext } from '../layout.ts';

function cell(ctx: PageContext, c: CompareCell, pilot: string, indicator: string) {
  const { t } = ctx;
  const min = html`<br><span class="muted">${t('compare.min', { count: c.minRespondents })}</span>`;
  const attrs = (state: string) => html`data-pilot="${pilot}" data-indicator="${indicator}" data-aggregate="${state}"`;
  if (!c.asked) return html`<td ${attrs('not_asked')}><span class="muted">${t('compare.not_asked')}</span>${min}</td>`;
  if (c.respondents === null) {
    const why = c.hiddenBecause ? html`<br><span class="muted">${t('compare.pooled_hidden', { pilots: c.hiddenBecause.join(', ') })}</span>` : '';
    return html`<td ${attrs('small_group')}><span class="tile small_group">${t('compare.too_few', { count: c.minRespondents })}</span>${why}${min}</td>`;
  }
  return html`<td ${attrs(c.aggregate)} data-n="${c.respondents}"><span class="tile ${c.aggregate}">${t(`map.aggregate.${c.aggregate}`)}</span>
<span class="muted">${t('map.respondents', { count: c.respondents })}</span>${c.shares && c.respondents ? html`<br><span class="muted">${t('map.shares', { ...c.shares })}</span>` : ''}${min}</td>`;
}

function table(ctx: PageContext, cmp: Comparison, pooled: boolean) {
  const { t } = ctx;
  const head = html`<tr><th>${t('compare.indicator')}</th>${cmp.pilots.map(
    (p) =>
      html`<th scope="col" data-pilot-head="${p.code}">${p.name} <span class="muted">(${p.code})</span>${p.municipality ? html`<br><span class="muted">${p.municipality}</span>` : ''}<br><span class="muted">${t('pilots.survey', { survey: `${p.surveyId} v${p.surveyVersion}` })}</span></th>`,
  )}${pooled ? html`<th scope="col">${t('compare.pooled_column')}</th>` : ''}</tr>`;
  const rows = INDICATOR_GROUPS.map(
    (g) => html`<tr><th colspan="${cmp.pilots.length + (pooled ? 2 : 1)}">${t(`groups.${g}`, { ns: 'indicators' })}</th></tr>
${cmp.indicators
  .filter((r) => r.group === g)
  .map(
    (r) =>
      html`<tr><th scope="row">${t(`${r.id}.name`, { ns: 'indicators' })}</th>${r.cells.map((c, i) => cell(ctx, c, cmp.pilots[i]!.code, r.id))}${r.pooled ? cell(ctx, r.pooled, 'pooled', r.id) : ''}</tr>`,
  )}`,
  );
  return html`<div class="scroll" tabindex="0"><table data-comparison>${head}${rows}</table></div>`;
}

function unmatchedNote(ctx: PageContext, cmp: Comparison) {
  const { t } = ctx;
  if (cmp.sameSurvey) return html`<p class="muted">${t('compare.same_survey')}</p>`;
  const items = cmp.unmatched.map(
    (u) =>
      html`<li data-unmatched="${u.pilot}:${u.question}">${t('compare.unmatched_item', {
        question: u.question,
        pilot: u.pilot,
        indicator: t(`${u.indicator}.name`, { ns: 'indicators' }),
        outcome: t(`${u.indicator}.outcomes.${u.outcome}`, { ns: 'indicators' }),
        others: u.notAskedIn.join(', '),
      })}</li>`,
  );
  return html`<div class="notice" role="note" data-unmatched-note><p>${t('compare.different_surveys')}</p>${items.length ? html`<ul>${items}</ul>` : html`<p>${t('compare.all_matched')}</p>`}</div>`;
}

function chooser(ctx: PageContext, visible: ReadonlyArray<{ code: string; name: string }>, chosen: readonly string[], q: CompareQuery) {
  const { t } = ctx;
  return html`<form class="filters card" method="get" action="/compare" aria-label="${t('compare.choose')}">
<fieldset><legend>${t('compare.choose')}</legend>${visible.map(
    (p) => html`<label><input type="checkbox" name="pilot" value="${p.code}" ${chosen.includes(p.code) ? 'checked' : ''}> ${p.name} (${p.code})</label>`,
  )}</fieldset>
<label><input type="checkbox" name="pooled" value="1" ${q.pooled ? 'checked' : ''}> ${t('compare.pooled')}</label>
<label>${t('map.from')}<input type="date" name="from" value="${q.from ?? ''}"></label><label>${t('map.to')}<input type="date" name="to" value="${q.to ?? ''}"></label>
<button class="primary" type="submit">${t('compare.apply')}</button></form>`;
}

export function registerCompare(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);

  server.get('/compare', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const q = parseOr400(compareQuery, req.query, reply, ctx);
    if (!q) return reply;
    const user = ctx.user!;
    const all = await deps.store.pilots.list();
    const visible = all.filter((p) => roleIn(user, p.organisationId) !== null);
    const codes = requestedCodes(q);
    const intro = html`<h1>${t('compare.title')}</h1><p>${t('compare.explain', { count: deps.rule.minRespondents })}</p>`;
    if (codes.length === 0) return sendPage(reply, ctx, t('compare.title'), html`${intro}${chooser(ctx, visible, [], q)}`);
    const r = resolvePilots(codes, all, (p) => deps.surveys.get(p.surveyId)?.survey, {
      see: (p) => roleIn(user, p.organisationId) !== null,
      seesAll: user.role === 'admin',
    });
    if (!r.ok) return sendError(reply, ctx, r.refusal.status, t(`compare.refused.${r.refusal.code}`, { pilot: r.refusal.pilot ?? '', count: MAX_COMPARED }));
    const cmp = await comparePilots(reports, r.pilots, toAnswerFilter(q), deps.rule, { pooled: q.pooled, outcomes: false });
    return sendPage(reply, ctx, t('compare.title'), html`${intro}${chooser(ctx, visible, codes, q)}${unmatchedNote(ctx, cmp)}${table(ctx, cmp, q.pooled)}`);
  });
}
