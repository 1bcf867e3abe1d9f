/**
 * The follow-up queue (coordinators and admins): cases, inviting one or many respondents
 * through the bot, and a case page for status, assignee and notes. Every change is audited.
 * Respondents appear only by a short pseudonymous id; their address is never shown.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { Accounts, type User } from '../../../../storage/accounts.ts';
import { CASE_STATUSES, Followup } from '../../../../storage/followup.ts';
import { findIndicator, INDICATOR_IDS } from '../../../../surveys/indicators.ts';
import { QUOTE_ROLES, roleIn } from '../../access.ts';
import { INVITATION_TEMPLATES, inviteCases } from '../../../conversation/index.ts';
import { pageContext, parseOr400, pilotOr404, pilotRoleOr404, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';
import { csrfField } from '../layout.ts';

const ROLES = { roles: ['admin', 'coordinator'] as const };
const shortId = (id: string) => id.slice(0, 8);

const listQuery = z.object({
  indicator: z
    .string()
    .refine((i) => findIndicator(i) !== undefined, 'not an indicator id')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  status: z
    .enum(CASE_STATUSES)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  sent: z.coerce.number().int().min(0).optional(),
  unreachable: z.coerce.number().int().min(0).optional(),
  not_in_expertpool: z.coerce.number().int().min(0).optional(),
  suppressed: z.coerce.number().int().min(0).optional(),
  withdrawn: z.coerce.number().int().min(0).optional(),
});

const inviteForm = z.object({
  cases: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v])),
  template: z.enum(INVITATION_TEMPLATES),
  when: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'pick a date and time')
    .refine((w) => !Number.isNaN(Date.parse(`${w}:00Z`)), 'not a real date'),
  place: z.string().trim().max(200, 'at most 200 characters').default(''),
  _csrf: z.string(),
});

const caseForm = z.object({
  status: z.enum(CASE_STATUSES),
  assignee: z.string().max(64),
  notes: z.string().max(5000, 'at most 5000 characters'),
  _csrf: z.string(),
});

/** Staff of the organisation who may read its cases: the only possible assignees (nobody else's email is shown; viewers see no respondents). */
async function colleagues(accounts: Accounts, organisationId: string): Promise<User[]> {
  return (await accounts.listUsers()).filter((u) => QUOTE_ROLES.includes(roleIn(u, organisationId) ?? 'viewer'));
}

export function registerQueue(server: FastifyInstance, deps: DashboardDeps): void {
  const followup = new Followup(deps.db);
  const accounts = new Accounts(deps.db);

  server.get('/pilots/:code/queue', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const q = parseOr400(listQuery, req.query, reply, ctx);
    if (!q) return reply;
    await followup.syncCases(pilot.code, deps.newId, deps.now().toISOString());
    const cases = await followup.list(pilot.code, { indicator: q.indicator, status: q.status });
    const ind = (id: string) => t(`${id}.name`, { ns: 'indicators' });
    const notices = [
      q.sent !== undefined ? html`<div class="notice" role="status">${t('queue.sent', { count: q.sent })}</div>` : '',
      q.unreachable ? html`<div class="notice error" role="alert">${t('queue.unreachable', { count: q.unreachable })}</div>` : '',
      q.not_in_expertpool ? html`<div class="notice error" role="alert">${t('queue.not_in_expertpool', { count: q.not_in_expertpool })}</div>` : '',
      q.suppressed ? html`<div class="notice" role="status">${t('queue.suppressed', { count: q.suppressed })}</div>` : '',
      q.withdrawn ? html`<div class="notice" role="status">${t('queue.withdrawn', { count: q.withdrawn })}</div>` : '',
    ];
    const rows = cases.map(
      (c) => html`<tr data-case="${c.id}" data-status="${c.status}">
<td><input type="checkbox" name="cases" value="${c.id}" aria-label="${t('queue.select')} ${shortId(c.respondentId)}"></td>
<td><a href="/cases/${c.id}">${shortId(c.respondentId)}</a></td><td>${ind(c.indicator)}</td><td>${c.language ?? ''}</td><td>${c.redAnswers}</td>
<td data-expertpool="${c.expertpool ? 'yes' : 'no'}">${t(c.expertpool ? 'queue.yes' : 'queue.no')}</td><td>${t(`queue.statuses.${c.status}`)}</td><td data-rsvp="${c.rsvp ?? ''}">${c.rsvp ? t(`queue.rsvps.${c.rsvp}`) : ''}</td><td>${c.assigneeEmail ?? ''}</td><td>${c.notes.slice(0, 80)}</td></tr>`,
    );
    const body = html`<h1>${t('queue.title')}: ${pilot.name}</h1>${notices}<p class="muted">${t('queue.explain')}</p>
<p><a href="/pilots/${pilot.code}/expertpool">${t('expertpool.title')}</a></p>
<form class="filters card" method="get" action="/pilots/${pilot.code}/queue">
<label>${t('queue.indicator')}<select name="indicator"><option value="">${t('queue.all')}</option>${INDICATOR_IDS.map((i) => html`<option value="${i}" ${q.indicator === i ? 'selected' : ''}>${ind(i)}</option>`)}</select></label>
<label>${t('queue.status')}<select name="status"><option value="">${t('queue.all')}</option>${CASE_STATUSES.map((s) => html`<option value="${s}" ${q.status === s ? 'selected' : ''}>${t(`queue.statuses.${s}`)}</option>`)}</select></label>
<button class="primary" type="submit">${t('map.apply')}</button></form>
${
  cases.length === 0
    ? html`<p>${t('queue.empty')}</p>`
    : html`<form method="post" action="/pilots/${pilot.code}/queue/invite">${csrfField(ctx)}
<div class="scroll" tabindex="0"><table><thead><tr><th>${t('queue.select')}</th><th>${t('queue.case')}</th><th>${t('queue.indicator')}</th><th>${t('queue.language')}</th><th>${t('queue.red_answers')}</th><th>${t('queue.expertpool')}</th><th>${t('queue.status')}</th><th>${t('queue.reply')}</th><th>${t('queue.assignee')}</th><th>${t('queue.notes')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>
<fieldset class="card"><legend>${t('queue.invite_title')}</legend>
<label>${t('queue.template')}<select name="template">${INVITATION_TEMPLATES.map((k) => html`<option value="${k}">${t(`queue.templates.${k}`)}</option>`)}</select></label>
<label>${t('queue.when')}<input type="datetime-local" name="when" required></label>
<label>${t('queue.place')}<input type="text" name="place" maxlength="200"></label>
<p><button class="primary" type="submit">${t('queue.send')}</button></p></fieldset></form>`
}`;
    return sendPage(reply, ctx, t('queue.title'), body);
  });

  server.post('/pilots/:code/queue/invite', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const f = parseOr400(inviteForm, req.body, reply, ctx);
    if (!f) return reply;
    if (f.cases.length === 0) return sendError(reply, ctx, 400, ctx.t('queue.none_selected'));
    const r = await inviteCases(deps, ctx.user!.id, f.cases, { template: f.template, when: f.when, place: f.place }, pilot.code);
    const skipped =
      (r.suppressed > 0 ? `&suppressed=${r.suppressed}` : '') +
      (r.withdrawn > 0 ? `&withdrawn=${r.withdrawn}` : '') +
      (r.notInExpertpool > 0 ? `&not_in_expertpool=${r.notInExpertpool}` : '');
    return reply.redirect(`/pilots/${pilot.code}/queue?sent=${r.sent}&unreachable=${r.unreachable}${skipped}`, 303);
  });

  server.get('/cases/:id', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const c = await followup.get((req.params as { id: string }).id);
    if (!c) return sendError(reply, ctx, 404, t('errors.not_found'));
    const access = await pilotRoleOr404(deps, c.pilotCode, reply, ctx);
    if (!access) return reply;
    const users = await colleagues(accounts, access.organisationId);
    const trail = await followup.auditTrail(c.id);
    const who = (actor: string) => users.find((u) => u.id === actor)?.email ?? actor;
    const body = html`<h1>${t('queue.case')} ${shortId(c.respondentId)}: ${t(`${c.indicator}.name`, { ns: 'indicators' })}</h1>
<p><a href="/pilots/${c.pilotCode}/queue">${t('queue.title')}</a></p>
<p>${t('queue.status')}: <strong data-status="${c.status}">${t(`queue.statuses.${c.status}`)}</strong>${c.rsvp ? html` · ${t('queue.reply')}: <strong>${t(`queue.rsvps.${c.rsvp}`)}</strong>` : ''} · ${t('queue.red_answers')}: ${c.redAnswers}</p>
<form method="post" action="/cases/${c.id}" class="card">${csrfField(ctx)}
<label>${t('queue.status')}<select name="status">${CASE_STATUSES.map((s) => html`<option value="${s}" ${c.status === s ? 'selected' : ''}>${t(`queue.statuses.${s}`)}</option>`)}</select></label>
<label>${t('queue.assignee')}<select name="assignee"><option value="">${t('queue.unassigned')}</option>${users.map((u) => html`<option value="${u.id}" ${c.assigneeId === u.id ? 'selected' : ''}>${u.email}</option>`)}</select></label>
<label>${t('queue.notes')}<textarea name="notes" rows="4" class="wide">${c.notes}</textarea></label>
<p><button class="primary" type="submit">${t('queue.save')}</button></p></form>
<h2>${t('queue.history')}</h2><div class="scroll" tabindex="0"><table><tbody>${trail.map((e) => html`<tr><td>${e.at.slice(0, 16).replace('T', ' ')}</td><td>${who(e.actor)}</td><td>${e.action}</td><td><code>${JSON.stringify(e.detail)}</code></td></tr>`)}</tbody></table></div>`;
    return sendPage(reply, ctx, t('queue.case'), body);
  });

  server.post('/cases/:id', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const c = await followup.get((req.params as { id: string }).id);
    if (!c) return sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    const access = await pilotRoleOr404(deps, c.pilotCode, reply, ctx);
    if (!access) return reply;
    const f = parseOr400(caseForm, req.body, reply, ctx);
    if (!f) return reply;
    const users = await colleagues(accounts, access.organisationId);
    const assigneeId = f.assignee === '' ? null : users.find((u) => u.id === f.assignee)?.id;
    if (assigneeId === undefined) return sendError(reply, ctx, 400, ctx.t('errors.bad_request', { detail: 'assignee: unknown user' }));
    const now = deps.now().toISOString();
    const change = { status: f.status, assigneeId, notes: f.notes };
    const changed = Object.fromEntries(
      Object.entries({ status: [c.status, f.status], assignee: [c.assigneeId, assigneeId], notes: [c.notes, f.notes] })
        .filter(([, [a, b]]) => a !== b)
        .map(([k, [, b]]) => [k, k === 'notes' ? '(edited)' : b]),
    );
    await deps.store.db.transaction().execute(async (trx) => {
      const tx = new Followup(trx);
      await tx.update(c.id, change, now);
      await tx.audit({ id: deps.newId(), at: now, actor: ctx.user!.id, action: 'update', caseId: c.id, detail: changed });
    });
    return reply.redirect(`/cases/${c.id}`, 303);
  });
}
