/**
 * The coding controls of one answer (its codes, add or remove one, mark it shareable) as a
 * fragment any answer list can place under an answer, and the POST routes its forms submit to.
 * Each form sends the page it came from, so the route redirects back there (PRG).
 *
 * Researchers and admins code; coordinators see the codes read-only (coding is research work,
 * and the shareable mark decides what policy makers see); viewers see neither.
 * @module
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Role } from '../../../../storage/accounts.ts';
import { Coding, type Code, type CodingIssue } from '../../../../storage/coding.ts';
import { CODING_ROLES, QUOTE_ROLES } from '../../access.ts';
import { localPath } from '../../gate.ts';
import { pageContext, parseOr400, pilotOr404, sendError, type DashboardDeps } from '../context.ts';
import { html, type Html } from '../html.ts';
import type { PageContext } from '../layout.ts';

/** The codebook as the controls need it: every code (retired ones to name existing assignments) and whether this user may change the coding. */
export interface CodebookView {
  codes: readonly Code[];
  editable: boolean;
}

/** The answer the controls are for. */
export interface CodedAnswer {
  id: string;
  indicator: string | null;
  codeIds: readonly string[];
  shared: boolean;
}

/** Whether a role may change codes and shareable marks. */
export const mayCode = (role: Role): boolean => CODING_ROLES.includes(role);

/** The codebook for the controls on a page of this pilot, as the user's role there may use it (viewers get no codes). */
export async function codebookView(deps: Pick<DashboardDeps, 'db'>, pilotCode: string, role: Role): Promise<CodebookView> {
  const codes = QUOTE_ROLES.includes(role) ? await new Coding(deps.db).codebook(pilotCode) : [];
  return { codes, editable: mayCode(role) };
}

/** A code fits an answer when it is for any indicator or for the answer's. */
const fits = (c: Code, indicator: string | null) => c.indicator === null || c.indicator === indicator;

export function codingControls(ctx: PageContext, pilotCode: string, answer: CodedAnswer, codebook: CodebookView, csrf: string | null): Html {
  const { t } = ctx;
  const assigned = codebook.codes.filter((c) => answer.codeIds.includes(c.id));
  const base = `/pilots/${encodeURIComponent(pilotCode)}/coding/${encodeURIComponent(answer.id)}`;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf ?? ''}"><input type="hidden" name="back" value="${ctx.path}">`;
  const chip = (c: Code) =>
    html`<span class="chip" data-code="${c.label}">${c.label}${c.retiredAt ? html` <span class="muted">(${t('coding.retired')})</span>` : ''}</span>`;
  if (!codebook.editable) {
    return html`<div class="coding" data-coding>${t('coding.codes')}: ${assigned.length ? assigned.map(chip) : html`<span class="muted">${t('coding.no_codes')}</span>`}${
      answer.shared ? html` <span class="chip" data-shared>${t('coding.shared')}</span>` : ''
    }</div>`;
  }
  const remove = assigned.map(
    (c) =>
      html`<form method="post" action="${base}/unassign">${hidden}<input type="hidden" name="code" value="${c.id}">${chip(c)}<button type="submit" aria-label="${t('coding.remove', { label: c.label })}" title="${t('coding.remove', { label: c.label })}">×</button></form>`,
  );
  const open = codebook.codes.filter((c) => c.retiredAt === null && fits(c, answer.indicator) && !answer.codeIds.includes(c.id));
  const add = open.length
    ? html`<form method="post" action="${base}/assign">${hidden}<label>${t('coding.add')} <select name="code">${open.map((c) => html`<option value="${c.id}">${c.label}</option>`)}</select></label><button type="submit">${t('coding.add_button')}</button></form>`
    : '';
  const share = html`<form method="post" action="${base}/${answer.shared ? 'unshare' : 'share'}">${hidden}${
    answer.shared
      ? html`<span class="chip" data-shared>${t('coding.shared')}</span><button type="submit">${t('coding.unshare')}</button>`
      : html`<button type="submit" data-share>${t('coding.share')}</button>`
  }</form>`;
  return html`<div class="coding" data-coding>${t('coding.codes')}: ${remove.length ? remove : html`<span class="muted">${t('coding.no_codes')}</span>`}${add}${share}</div>`;
}

/** The issue in the dashboard's words, as a 400 page with the way back. */
export function sendCodingIssue(reply: FastifyReply, ctx: PageContext, issue: CodingIssue): FastifyReply {
  const indicator = (id: string | null) => (id ? ctx.t(`${id}.name`, { ns: 'indicators' }) : ctx.t('coding.no_indicator'));
  const params =
    issue.code === 'wrong_indicator'
      ? { label: issue.label, code_indicator: indicator(issue.codeIndicator), answer_indicator: indicator(issue.answerIndicator) }
      : issue.code === 'label_taken' || issue.code === 'code_retired'
        ? { label: issue.label }
        : {};
  const status = issue.code === 'unknown_answer' || issue.code === 'unknown_code' ? 404 : 400;
  return sendError(reply, ctx, status, ctx.t(`coding.errors.${issue.code}`, params));
}

const codingForm = z.object({ code: z.string().min(1).max(64).optional(), back: z.string().max(2000).optional(), _csrf: z.string() });
const ACTIONS = ['assign', 'unassign', 'share', 'unshare'] as const;

/** POST /pilots/:code/coding/:answer/{assign,unassign,share,unshare}; assign and unassign name the code. */
export function registerCodingRoutes(server: FastifyInstance, deps: DashboardDeps): void {
  const coding = new Coding(deps.db, deps.newId);
  for (const action of ACTIONS) {
    server.post(`/pilots/:code/coding/:answer/${action}`, { config: { roles: CODING_ROLES } }, async (req, reply) => {
      const ctx = pageContext(deps, req);
      const p = req.params as { code: string; answer: string };
      const pilot = await pilotOr404(deps, p.code, reply, ctx);
      if (!pilot) return reply;
      const f = parseOr400(codingForm, req.body, reply, ctx);
      if (!f) return reply;
      const [actor, now] = [ctx.user!.id, deps.now().toISOString()];
      const needsCode = action === 'assign' || action === 'unassign';
      if (needsCode && !f.code) return sendError(reply, ctx, 400, ctx.t('errors.bad_request', { detail: 'code: choose a code' }));
      const r =
        action === 'assign'
          ? await coding.assign(pilot.code, p.answer, f.code!, actor, now)
          : action === 'unassign'
            ? await coding.unassign(pilot.code, p.answer, f.code!, actor, now)
            : await coding.setShared(pilot.code, p.answer, action === 'share', actor, now);
      if (!r.ok) return sendCodingIssue(reply, ctx, r.issue);
      return reply.redirect(localPath(f.back ?? `/pilots/${pilot.code}/codebook`), 303);
    });
  }
}
