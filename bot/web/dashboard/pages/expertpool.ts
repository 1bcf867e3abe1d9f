/**
 * The expertpool of a pilot (coordinators and admins): everyone whose latest expertpool
 * decision is yes, per theme they agreed to be recontacted about — also those without a red
 * answer, who have no case in the queue. Selected members get a case, so the queue can invite them.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Followup } from '../../../../storage/followup.ts';
import { findIndicator, INDICATOR_IDS } from '../../../../surveys/indicators.ts';
import { pageContext, parseOr400, pilotOr404, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';
import { csrfField } from '../layout.ts';

const ROLES = { roles: ['admin', 'coordinator'] as const };
const shortId = (id: string) => id.slice(0, 8);
const indicatorId = z.string().refine((i) => findIndicator(i) !== undefined, 'not an indicator id');

const listQuery = z.object({ indicator: indicatorId.optional().or(z.literal('').transform(() => undefined)) });
const openForm = z.object({
  indicator: indicatorId,
  respondents: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  _csrf: z.string(),
});

export function registerExpertpool(server: FastifyInstance, deps: DashboardDeps): void {
  const followup = new Followup(deps.db);

  server.get('/pilots/:code/expertpool', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const q = parseOr400(listQuery, req.query, reply, ctx);
    if (!q) return reply;
    const members = await followup.expertpool(pilot.code, q.indicator);
    const ind = (id: string) => t(`${id}.name`, { ns: 'indicators' });
    const themes = [...new Set(members.map((m) => m.indicator))];
    const sections = themes.map(
      (theme) => html`<form method="post" action="/pilots/${pilot.code}/expertpool/cases" class="card" data-theme="${theme}">${csrfField(ctx)}
<input type="hidden" name="indicator" value="${theme}"><h2>${ind(theme)}</h2>
<div class="scroll" tabindex="0"><table><thead><tr><th>${t('queue.select')}</th><th>${t('queue.case')}</th><th>${t('queue.language')}</th><th>${t('queue.red_answers')}</th><th>${t('expertpool.in_queue')}</th></tr></thead><tbody>
${members
  .filter((m) => m.indicator === theme)
  .map(
    (m) => html`<tr data-member="${m.respondentId}">
<td>${m.caseId ? '' : html`<input type="checkbox" name="respondents" value="${m.respondentId}" aria-label="${t('queue.select')} ${shortId(m.respondentId)}">`}</td>
<td>${m.caseId ? html`<a href="/cases/${m.caseId}">${shortId(m.respondentId)}</a>` : shortId(m.respondentId)}</td><td>${m.language ?? ''}</td><td>${m.redAnswers}</td>
<td>${t(m.caseId ? 'queue.yes' : 'queue.no')}</td></tr>`,
  )}</tbody></table></div>
<p><button class="primary" type="submit">${t('expertpool.open_cases')}</button></p></form>`,
    );
    const body = html`<h1>${t('expertpool.title')}: ${pilot.name}</h1><p class="muted">${t('expertpool.explain')}</p>
<p><a href="/pilots/${pilot.code}/queue">${t('queue.title')}</a></p>
<form class="filters card" method="get" action="/pilots/${pilot.code}/expertpool">
<label>${t('queue.indicator')}<select name="indicator"><option value="">${t('queue.all')}</option>${INDICATOR_IDS.map((i) => html`<option value="${i}" ${q.indicator === i ? 'selected' : ''}>${ind(i)}</option>`)}</select></label>
<button class="primary" type="submit">${t('map.apply')}</button></form>
${sections.length ? sections : html`<p>${t('expertpool.empty')}</p>`}`;
    return sendPage(reply, ctx, t('expertpool.title'), body);
  });

  server.post('/pilots/:code/expertpool/cases', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const f = parseOr400(openForm, req.body, reply, ctx);
    if (!f) return reply;
    if (f.respondents.length === 0) return sendError(reply, ctx, 400, ctx.t('queue.none_selected'));
    const now = deps.now().toISOString();
    const opened = await followup.openExpertpoolCases(pilot.code, f.indicator, f.respondents, deps.newId, now);
    await followup.audit({
      id: deps.newId(),
      at: now,
      actor: ctx.user!.id,
      action: 'expertpool.open_cases',
      caseId: null,
      detail: { pilot: pilot.code, indicator: f.indicator, opened },
    });
    return reply.redirect(`/pilots/${pilot.code}/queue?indicator=${f.indicator}`, 303);
  });
}
