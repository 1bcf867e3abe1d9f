/**
 * What every dashboard page needs: its dependencies, the request's language and user, and
 * the replies for pages, refusals and bad input.
 * @module
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { i18n as I18n } from 'i18next';
import type { z } from 'zod';
import type { Role } from '../../../storage/accounts.ts';
import type { Db } from '../../../storage/database.ts';
import type { Store } from '../../../storage/store.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import type { Survey } from '../../../surveys/model.ts';
import type { BankPilotRequest, SurveyEntry } from '../../conversation/index.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import { roleIn } from '../access.ts';
import type { BuilderDeps } from './pages/builder/deps.ts';
import { html, type Html } from './html.ts';
import { languageOf, page, type PageContext } from './layout.ts';

export interface DashboardDeps {
  db: Db;
  store: Store;
  i18n: I18n;
  /** Sends follow-up invitations after their commit. */
  delivery: Delivery;
  surveys: ReadonlyMap<string, SurveyEntry>;
  rule: AggregateRule;
  now: () => Date;
  newId: () => string;
  /** The keyed hash of an address on the do-not-contact list (follow-up invitations check it). */
  suppressionKey: (channel: string, address: string) => string;
  /** Where the media pipeline keeps originals (playback). */
  mediaDir: string;
  /** Creates a pilot from the bank's questions of some indicators (the workshop); absent where the app cannot write surveys. */
  createPilot?: (r: BankPilotRequest) => Promise<{ code: string }>;
  /** The pilot builder's and launch page's parts (files, campaign queue, links). */
  builder: BuilderDeps;
}

export function pageContext(deps: DashboardDeps, req: FastifyRequest): PageContext {
  const lng = languageOf(req);
  return {
    t: deps.i18n.getFixedT(lng, 'dashboard'),
    lng,
    user: req.dashboard?.user ?? null,
    csrf: req.dashboard?.csrfToken ?? null,
    path: req.url,
    routeRoles: req.routeOptions.config?.roles ?? null,
  };
}

export function sendPage(reply: FastifyReply, ctx: PageContext, title: string, body: Html, status = 200): FastifyReply {
  return reply
    .code(status)
    .type('text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(page(ctx, title, body).value);
}

export function sendError(reply: FastifyReply, ctx: PageContext, status: 400 | 403 | 404 | 429, message: string): FastifyReply {
  return sendPage(reply, ctx, message, html`<div class="notice error" role="alert">${message}</div><p><a href="/">${ctx.t('errors.back')}</a></p>`, status);
}

/** Parses a query or form; on failure answers 400 naming each bad field and returns undefined. */
export function parseOr400<T extends z.ZodType>(schema: T, input: unknown, reply: FastifyReply, ctx: PageContext): z.output<T> | undefined {
  const r = schema.safeParse(input ?? {});
  if (r.success) return r.data;
  const detail = r.error.issues.map((i) => `${i.path.join('.') || 'form'}: ${i.message}`).join('; ');
  sendError(reply, ctx, 400, ctx.t('errors.bad_request', { detail }));
  return undefined;
}

/** The user's role for a pilot of this organisation; else sends 404 (unknown or another organisation's) or 403 (role not allowed here). */
function roleOr404(ctx: PageContext, organisationId: string | undefined, reply: FastifyReply): Role | undefined {
  const role = organisationId !== undefined && ctx.user ? roleIn(ctx.user, organisationId) : null;
  if (!role) {
    sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    return undefined;
  }
  if (ctx.routeRoles && !ctx.routeRoles.includes(role)) {
    sendError(reply, ctx, 403, ctx.t('errors.forbidden', { role: ctx.t(`roles.${role}`) }));
    return undefined;
  }
  return role;
}

/** The pilot's code, loaded survey and the user's role in its organisation, or an error page (see roleOr404). */
export async function pilotOr404(
  deps: DashboardDeps,
  code: string,
  reply: FastifyReply,
  ctx: PageContext,
): Promise<{ code: string; name: string; survey: Survey; role: Role } | undefined> {
  const row = await deps.store.pilots.find(code);
  const entry = row && deps.surveys.get(row.surveyId);
  const role = roleOr404(ctx, entry && row.organisationId, reply);
  return role && entry ? { code: row!.code, name: row!.name, survey: entry.survey, role } : undefined;
}

/** The same check for a pilot reached through something of it (a case, a recording): its organisation and the role there, or an error page was sent. */
export async function pilotRoleOr404(
  deps: DashboardDeps,
  code: string,
  reply: FastifyReply,
  ctx: PageContext,
): Promise<{ organisationId: string; role: Role } | undefined> {
  const row = await deps.store.pilots.find(code);
  const role = roleOr404(ctx, row?.organisationId, reply);
  return role && { organisationId: row!.organisationId, role };
}
