/**
 * A pilot's codebook page: its codes (create, edit, retire, restore for researchers and admins;
 * read-only for coordinators), the counts per code × indicator with "too few" below the minimum
 * group size, and the audit trail of every coding change. Answers are coded on each indicator's
 * drill-down, linked from here. Viewers never reach it.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Accounts } from '../../../../storage/accounts.ts';
import { Coding, type Code, type CodingAuditEntry } from '../../../../storage/coding.ts';
import { findIndicator } from '../../../../surveys/indicators.ts';
import { CODING_ROLES, QUOTE_ROLES } from '../../access.ts';
import { codeCountCells } from '../../reporting/coding.ts';
import { pageContext, parseOr400, pilotOr404, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';
import { csrfField, type PageContext } from '../layout.ts';
import { mayCode, sendCodingIssue } from './coding-controls.ts';

const codeForm = z.object({
  label: z.string().trim().min(1, 'give the code a label').max(80, 'at most 80 characters'),
  description: z.string().max(2000, 'at most 2000 characters').default(''),
  indicator: z
    .string()
    .refine((i) => i === '' || findIndicator(i) !== undefined, 'not an indicator id')
    .default('')
    .transform((i) => (i === '' ? null : i)),
  _csrf: z.string(),
});
const csrfOnly = z.object({ _csrf: z.string() });

/** The indicators the pilot's survey asks about, in survey order. */
const surveyIndicators = (questions: ReadonlyArray<{ indicator?: string | null | undefined }>) => [
  ...new Set(questions.flatMap((q) => (q.indicator ? [q.indicator] : []))),
];

function codeFields(ctx: PageContext, indicators: readonly string[], c: Code | null) {
  const { t } = ctx;
  return html`<label>${t('coding.label')}<input type="text" name="label" required maxlength="80" value="${c?.label ?? ''}"></label>
<label>${t('coding.description')}<textarea name="description" rows="2" maxlength="2000" class="wide">${c?.description ?? ''}</textarea></label>
<label>${t('coding.indicator')}<select name="indicator"><option value="">${t('coding.any_indicator')}</option>${indicators.map(
    (i) => html`<option value="${i}" ${c?.indicator === i ? 'selected' : ''}>${t(`${i}.name`, { ns: 'indicators' })}</option>`,
  )}</select></label>`;
}

function auditRow(ctx: PageContext, e: CodingAuditEntry, codes: ReadonlyMap<string, Code>, who: (id: string) => string) {
  const { t } = ctx;
  const label = (e.codeId && codes.get(e.codeId)?.label) ?? (typeof e.detail.label === 'string' ? e.detail.label : '');
  const question = typeof e.detail.question === 'string' ? e.detail.question : '';
  const changes =
    e.action === 'code.update'
      ? Object.keys(e.detail)
          .map((k) => t(`coding.${k}`))
          .join(', ')
      : '';
  return html`<tr data-audit="${e.action}"><td>${e.at.slice(0, 16).replace('T', ' ')}</td><td>${who(e.actor)}</td><td>${t(`coding.actions.${e.action.replace('.', '_')}`)}</td><td>${label}</td><td>${question}${
    e.answerGone ? html` <span class="muted">(${t('coding.answer_erased')})</span>` : ''
  }${changes}</td></tr>`;
}

export function registerCodebook(server: FastifyInstance, deps: DashboardDeps): void {
  const coding = new Coding(deps.db, deps.newId);
  const accounts = new Accounts(deps.db);
  const READ = { roles: QUOTE_ROLES };
  const WRITE = { roles: CODING_ROLES };

  server.get('/pilots/:code/codebook', { config: READ }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const editable = mayCode(pilot.role);
    const codes = await coding.codebook(pilot.code);
    const byId = new Map(codes.map((c) => [c.id, c]));
    const indicators = surveyIndicators(pilot.survey.questions);
    const ind = (i: string | null) => (i ? t(`${i}.name`, { ns: 'indicators' }) : t('coding.any_indicator'));
    const base = `/pilots/${pilot.code}/codebook/codes`;
    const rows = codes.map((c) => {
      const state = c.retiredAt ? html`<span class="chip">${t('coding.retired')}</span>` : '';
      if (!editable)
        return html`<tr data-code-row="${c.label}"><td><strong>${c.label}</strong> ${state}</td><td>${c.description}</td><td>${ind(c.indicator)}</td></tr>`;
      return html`<tr data-code-row="${c.label}"><td colspan="3"><form method="post" action="${base}/${c.id}" class="code-edit">${csrfField(ctx)}${codeFields(ctx, indicators, c)}
<button type="submit">${t('coding.save')}</button></form>
<form method="post" action="${base}/${c.id}/${c.retiredAt ? 'restore' : 'retire'}">${csrfField(ctx)}${state}<button type="submit">${t(c.retiredAt ? 'coding.restore' : 'coding.retire')}</button></form></td></tr>`;
    });
    const cells = codeCountCells(await coding.counts(pilot.code), deps.rule);
    const countRows = codes
      .filter((c) => cells.has(c.id))
      .map(
        (c) =>
          html`<tr><th scope="row">${c.label}</th>${indicators.map((i) => {
            const cell = cells.get(c.id)!.get(i);
            if (cell === undefined) return html`<td class="muted">0</td>`;
            if (cell === null) return html`<td class="muted" data-small-group>${t('map.aggregate.small_group')}</td>`;
            return html`<td>${t('coding.count_cell', { answers: cell.answers, people: cell.respondents })}</td>`;
          })}</tr>`,
      );
    const users = new Map((await accounts.listUsers()).map((u) => [u.id, u.email]));
    const trail = await coding.auditTrail(pilot.code);
    const create = editable
      ? html`<form method="post" action="${base}" class="card" data-create-code><h2>${t('coding.new')}</h2>${csrfField(ctx)}${codeFields(ctx, indicators, null)}
<p><button class="primary" type="submit">${t('coding.create')}</button></p></form>`
      : html`<p class="muted">${t('coding.read_only')}</p>`;
    const body = html`<h1>${t('coding.title')}: ${pilot.name}</h1><p>${t('coding.explain')}</p>
<p>${t('coding.code_on')} ${indicators.map((i, k) => html`${k ? ' · ' : ''}<a href="/pilots/${pilot.code}/indicators/${i}">${ind(i)}</a>`)}</p>
${create}
<h2>${t('coding.codes')}</h2>${codes.length ? html`<div class="scroll" tabindex="0"><table><thead><tr><th>${t('coding.label')}</th><th>${t('coding.description')}</th><th>${t('coding.indicator')}</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>${t('coding.empty')}</p>`}
<h2>${t('coding.counts')}</h2><p class="muted">${t('coding.counts_explain', { min: deps.rule.minRespondents })}</p>${
      countRows.length
        ? html`<div class="scroll" tabindex="0"><table data-counts><thead><tr><th>${t('coding.code')}</th>${indicators.map((i) => html`<th scope="col">${ind(i)}</th>`)}</tr></thead><tbody>${countRows}</tbody></table></div>`
        : html`<p>${t('indicator.none')}</p>`
    }
<h2>${t('coding.audit')}</h2>${
      trail.length
        ? html`<div class="scroll" tabindex="0"><table data-audit-trail><tbody>${trail.map((e) => auditRow(ctx, e, byId, (id) => users.get(id) ?? t('coding.former_user')))}</tbody></table></div>`
        : html`<p>${t('indicator.none')}</p>`
    }`;
    return sendPage(reply, ctx, t('coding.title'), body);
  });

  server.post('/pilots/:code/codebook/codes', { config: WRITE }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const f = parseOr400(codeForm, req.body, reply, ctx);
    if (!f) return reply;
    const r = await coding.createCode(pilot.code, f, ctx.user!.id, deps.now().toISOString());
    if (!r.ok) return sendCodingIssue(reply, ctx, r.issue);
    return reply.redirect(`/pilots/${pilot.code}/codebook`, 303);
  });

  server.post('/pilots/:code/codebook/codes/:id', { config: WRITE }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const p = req.params as { code: string; id: string };
    const pilot = await pilotOr404(deps, p.code, reply, ctx);
    if (!pilot) return reply;
    const f = parseOr400(codeForm, req.body, reply, ctx);
    if (!f) return reply;
    const r = await coding.updateCode(pilot.code, p.id, f, ctx.user!.id, deps.now().toISOString());
    if (!r.ok) return sendCodingIssue(reply, ctx, r.issue);
    return reply.redirect(`/pilots/${pilot.code}/codebook`, 303);
  });

  for (const action of ['retire', 'restore'] as const) {
    server.post(`/pilots/:code/codebook/codes/:id/${action}`, { config: WRITE }, async (req, reply) => {
      const ctx = pageContext(deps, req);
      const p = req.params as { code: string; id: string };
      const pilot = await pilotOr404(deps, p.code, reply, ctx);
      if (!pilot) return reply;
      if (!parseOr400(csrfOnly, req.body, reply, ctx)) return reply;
      const r = await coding.setRetired(pilot.code, p.id, action === 'retire', ctx.user!.id, deps.now().toISOString());
      if (!r.ok) return sendCodingIssue(reply, ctx, r.issue);
      return reply.redirect(`/pilots/${pilot.code}/codebook`, 303);
    });
  }
}
