/**
 * The blind-spot workshop of an organisation (`/orgs/:id/workshop`, seed 000): every member
 * colours the 14 indicators by how much they know of newcomers' experience, with notes and
 * the team's reflection cards; each save is a new version. Beside the team's map: the
 * experience map of the organisation's pilots (the traffic map's figures, same minimum group
 * size). Red and orange indicators become a pilot or a planned expertpool in one click.
 * Members of the organisation only (others: 404); viewers read.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Organisations, type Role } from '../../../../../storage/organisations.ts';
import { Reports } from '../../../../../storage/reports.ts';
import { combinedColours, type ReflectionCard, Workshops } from '../../../../../storage/workshops.ts';
import { INDICATOR_IDS, findIndicator } from '../../../../../surveys/indicators.ts';
import { KNOWLEDGE_COLOURS, type KnowledgeColour } from '../../../../../surveys/knowledge.ts';
import { SurveyFileError } from '../../../../conversation/index.ts';
import { UsageError } from '../../../../usage-error.ts';
import { roleIn } from '../../../access.ts';
import { indicatorSummaries } from '../../../reporting/traffic-map.ts';
import { pageContext, sendError, sendPage, type DashboardDeps } from '../../context.ts';
import { html, type Html } from '../../html.ts';
import { csrfField, LANGUAGE_COOKIE, type PageContext } from '../../layout.ts';
import { printSheet } from './print.ts';
import { WORKSHOP_CSS } from './style.ts';
import { colourForm, mapSection, nextSteps, versionList, type WorkshopModel } from './view.ts';

/** The workshop speaks the dashboard's languages and, ahead of the rest, Arabic and Tigrinya. */
export const WORKSHOP_LANGUAGES = ['en', 'nl', 'ar', 'ti'] as const;
/** Where "pilot from these indicators" lands; the pilot builder may take this over. */
export const PILOT_CREATED_REDIRECT = (code: string): string => `/pilots/${code}`;
const EDITORS: readonly Role[] = ['admin', 'researcher', 'coordinator'];

const versionQuery = z.object({
  version: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .or(z.literal('').transform(() => undefined)),
  lang: z.string().optional(),
  done: z.enum(['saved', 'planned']).optional(),
});
type Body = Record<string, string | string[] | undefined>;
const one = (b: Body, k: string): string => {
  const v = b[k];
  return (Array.isArray(v) ? v[0] : v)?.trim() ?? '';
};
const many = (b: Body, k: string): string[] => [b[k] ?? []].flat();

interface OrgPage {
  ctx: PageContext;
  organisation: { id: string; name: string };
  role: Role;
  langQuery: string;
  dir: 'ltr' | 'rtl';
}

export function registerWorkshop(server: FastifyInstance, deps: DashboardDeps): void {
  const workshops = new Workshops(deps.db);
  const organisations = new Organisations(deps.db);
  const reports = new Reports(deps.db);

  /** The organisation and the user's role there, in the page's language; else a 404 was sent. */
  async function orgOr404(req: FastifyRequest, reply: FastifyReply): Promise<OrgPage | undefined> {
    const base = pageContext(deps, req);
    const asked = (req.query as { lang?: unknown }).lang;
    const fromQuery = typeof asked === 'string' && (WORKSHOP_LANGUAGES as readonly string[]).includes(asked) ? asked : '';
    const cookie = req.cookies[LANGUAGE_COOKIE];
    const lng = fromQuery || (cookie && (WORKSHOP_LANGUAGES as readonly string[]).includes(cookie) ? cookie : base.lng);
    const ctx: PageContext = { ...base, lng, t: deps.i18n.getFixedT(lng, 'dashboard') };
    const id = (req.params as { id: string }).id;
    const role = ctx.user ? roleIn(ctx.user, id) : null;
    const organisation = role ? await organisations.find(id) : undefined;
    if (!role || !organisation) {
      sendError(reply, ctx, 404, ctx.t('errors.not_found'));
      return undefined;
    }
    return { ctx, organisation, role, langQuery: fromQuery, dir: deps.i18n.dir(lng) === 'rtl' ? 'rtl' : 'ltr' };
  }

  function editorOr403(p: OrgPage, reply: FastifyReply): boolean {
    if (EDITORS.includes(p.role)) return true;
    sendError(reply, p.ctx, 403, p.ctx.t('errors.forbidden', { role: p.ctx.t(`roles.${p.role}`) }));
    return false;
  }

  const baseOf = (p: OrgPage) => `/orgs/${encodeURIComponent(p.organisation.id)}/workshop`;
  const withLang = (p: OrgPage, path: string, extra: Record<string, string> = {}) => {
    const qs = new URLSearchParams(p.langQuery ? { ...extra, lang: p.langQuery } : extra).toString();
    return qs ? `${path}?${qs}` : path;
  };

  /** The model both the page and the print sheet render: a version's map and the pilots' experience. */
  async function model(p: OrgPage, version: number | undefined) {
    const workshop = await workshops.find(p.organisation.id);
    const snapshot = workshop && (await workshops.open(workshop.id, version));
    const pilots = (await reports.pilots()).filter((x) => x.organisationId === p.organisation.id);
    const experience = pilots.length
      ? await indicatorSummaries(
          reports,
          pilots.map((x) => x.code),
          {},
          deps.rule,
        )
      : null;
    const t = p.ctx.t;
    const m: WorkshopModel = {
      t,
      name: (i) => t(`${i}.name`, { ns: 'indicators' }),
      base: baseOf(p),
      langQuery: p.langQuery,
      combined: combinedColours(INDICATOR_IDS, snapshot?.entries ?? []),
      entries: snapshot?.entries ?? [],
      cards: snapshot?.cards ?? [],
      experience,
      me: p.ctx.user!.email,
    };
    return { workshop, snapshot, m };
  }

  const wrap = (p: OrgPage, body: Html) =>
    html`<link rel="stylesheet" href="/workshop.css"><div lang="${p.ctx.lng}" dir="${p.dir}" class="workshop">${body}</div>`;

  server.get('/workshop.css', async (_req, reply) => reply.type('text/css; charset=utf-8').header('cache-control', 'private, max-age=300').send(WORKSHOP_CSS));

  server.get('/orgs/:id/workshop', async (req, reply) => {
    const p = await orgOr404(req, reply);
    if (!p) return reply;
    const query = versionQuery.safeParse(req.query ?? {});
    const asked = query.success ? query.data.version : undefined;
    const { workshop, snapshot, m } = await model(p, asked);
    const { t } = p.ctx;
    if (asked !== undefined && !snapshot) return sendError(reply, p.ctx, 404, t('workshop.versions.not_found', { version: asked }));
    const versions = workshop ? await workshops.versions(workshop.id) : [];
    const latest = versions[0]?.version ?? null;
    const isLatest = snapshot === undefined || snapshot.version === latest;
    const canEdit = EDITORS.includes(p.role) && isLatest;
    const name = workshop?.name ?? t('workshop.default_name');
    const done = query.success ? query.data.done : undefined;
    const body = html`<h1>${name} <span class="muted">· ${p.organisation.name}</span></h1>
<p>${t('workshop.intro')}</p>
${done ? html`<p class="notice" role="status">${t(`workshop.done.${done}`)}</p>` : ''}
${snapshot ? html`<p class="muted" data-version="${snapshot.version}">${t('workshop.versions.showing', { version: snapshot.version, at: snapshot.savedAt.slice(0, 16).replace('T', ' '), by: snapshot.savedBy })}${isLatest ? '' : html` · <a href="${withLang(p, baseOf(p))}">${t('workshop.versions.latest')}</a>`}</p>` : html`<p class="muted">${t('workshop.versions.none')}</p>`}
${versionList(t, versions, (v) => withLang(p, baseOf(p), { version: String(v) }), snapshot?.version ?? null)}
<p><a href="${withLang(p, `${baseOf(p)}/print`, snapshot ? { version: String(snapshot.version) } : {})}">${t('workshop.print.link')}</a></p>
${mapSection(m)}
${nextSteps(m, canEdit ? csrfField(p.ctx) : null, workshop ? await workshops.expertpools(workshop.id) : [], snapshot?.version ?? null)}
${canEdit ? colourForm(m, csrfField(p.ctx), name) : html`<p class="notice">${EDITORS.includes(p.role) ? t('workshop.form.old_version') : t('workshop.form.viewer')}</p>`}`;
    return sendPage(reply, p.ctx, name, wrap(p, body));
  });

  server.get('/orgs/:id/workshop/print', async (req, reply) => {
    const p = await orgOr404(req, reply);
    if (!p) return reply;
    const query = versionQuery.safeParse(req.query ?? {});
    const asked = query.success ? query.data.version : undefined;
    const { workshop, snapshot, m } = await model(p, asked);
    if (!snapshot || !workshop) return sendError(reply, p.ctx, 404, p.ctx.t('workshop.versions.not_found', { version: asked ?? 1 }));
    return sendPage(reply, p.ctx, workshop.name, wrap(p, printSheet(m, { name: workshop.name, organisation: p.organisation.name, snapshot })));
  });

  server.post('/orgs/:id/workshop', async (req, reply) => {
    const p = await orgOr404(req, reply);
    if (!p || !editorOr403(p, reply)) return reply;
    const b = (req.body ?? {}) as Body;
    const colours: Array<{ indicator: string; colour: KnowledgeColour; note: string }> = [];
    const cards: ReflectionCard[] = [];
    const bad: string[] = [];
    for (const indicator of INDICATOR_IDS) {
      const colour = one(b, `colour.${indicator}`);
      const note = one(b, `note.${indicator}`).slice(0, 2000);
      if (colour !== '' && !(KNOWLEDGE_COLOURS as readonly string[]).includes(colour)) bad.push(`colour.${indicator}`);
      // A note without a colour is kept: the member's entry then counts as red (they are not sure they know).
      else if (colour !== '' || note !== '') colours.push({ indicator, colour: (colour || 'red') as KnowledgeColour, note });
      const card = (f: string) => one(b, `${f}.${indicator}`).slice(0, 4000);
      cards.push({ indicator, known: card('known'), knownSource: card('known_source'), unknown: card('unknown'), unknownHow: card('unknown_how') });
    }
    const name = one(b, 'name').slice(0, 120);
    if (bad.length > 0 || name === '') {
      return sendError(
        reply,
        p.ctx,
        400,
        p.ctx.t('errors.bad_request', { detail: bad.length ? `${bad.join(', ')}: ${KNOWLEDGE_COLOURS.join(' | ')}` : 'name: required' }),
      );
    }
    const now = deps.now().toISOString();
    const workshop = await workshops.ensure(p.organisation.id, { id: deps.newId(), name, by: p.ctx.user!.email, now });
    if (workshop.name !== name) await workshops.rename(workshop.id, name);
    await workshops.save(workshop.id, { member: p.ctx.user!.email, colours, cards, now });
    return reply.redirect(withLang(p, baseOf(p), { done: 'saved' }), 303);
  });

  /** The checked indicators of a next-step form, each a real indicator; else a 400 was sent. */
  function chosen(p: OrgPage, b: Body, reply: FastifyReply): string[] | undefined {
    const picked = [...new Set(many(b, 'indicators'))];
    const wrong = picked.find((i) => !findIndicator(i));
    if (picked.length === 0 || wrong !== undefined) {
      sendError(
        reply,
        p.ctx,
        400,
        p.ctx.t('errors.bad_request', { detail: wrong !== undefined ? `indicators: "${wrong}" is not an indicator` : p.ctx.t('workshop.next.pick_some') }),
      );
      return undefined;
    }
    // In catalogue order, so the survey asks them as the framework lists them.
    return INDICATOR_IDS.filter((i) => picked.includes(i));
  }

  server.post('/orgs/:id/workshop/pilot', async (req, reply) => {
    const p = await orgOr404(req, reply);
    if (!p || !editorOr403(p, reply)) return reply;
    const b = (req.body ?? {}) as Body;
    const indicators = chosen(p, b, reply);
    if (!indicators) return reply;
    if (!deps.createPilot) return sendError(reply, p.ctx, 404, p.ctx.t('workshop.next.pilot_unavailable'));
    const name = one(b, 'name').slice(0, 120) || p.ctx.t('workshop.next.pilot_default_name');
    try {
      const pilot = await deps.createPilot({ organisationId: p.organisation.id, name, indicators, now: deps.now().toISOString() });
      return reply.redirect(PILOT_CREATED_REDIRECT(pilot.code), 303);
    } catch (e) {
      if (e instanceof UsageError || e instanceof SurveyFileError) return sendError(reply, p.ctx, 400, p.ctx.t('errors.bad_request', { detail: e.message }));
      throw e;
    }
  });

  server.post('/orgs/:id/workshop/expertpool', async (req, reply) => {
    const p = await orgOr404(req, reply);
    if (!p || !editorOr403(p, reply)) return reply;
    const b = (req.body ?? {}) as Body;
    const indicators = chosen(p, b, reply);
    if (!indicators) return reply;
    const workshop = await workshops.find(p.organisation.id);
    const snapshot = workshop && (await workshops.open(workshop.id, Number(one(b, 'version')) || undefined));
    if (!workshop || !snapshot) return sendError(reply, p.ctx, 404, p.ctx.t('workshop.versions.none'));
    const combined = new Map(combinedColours(indicators, snapshot.entries).map((c) => [c.indicator, c.colour]));
    const note = one(b, 'note').slice(0, 2000);
    const items = indicators.map((indicator) => ({ indicator, colour: combined.get(indicator) ?? 'red', note }));
    await workshops.planExpertpools(workshop.id, { version: snapshot.version, by: p.ctx.user!.email, now: deps.now().toISOString(), items }, deps.newId);
    return reply.redirect(withLang(p, baseOf(p), { done: 'planned' }), 303);
  });
}
