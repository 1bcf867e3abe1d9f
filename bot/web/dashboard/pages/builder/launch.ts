/**
 * The launch page of a pilot: its links and QR codes per channel and language (PNG and SVG
 * downloads, the logic of `stemmen pilot links`), an invitation list (CSV pasted in, read
 * with the CLI's contact-list reader) previewed with every refused row and its reason (line
 * numbers only, never a number), paced sending through the campaign queue with progress
 * (a JSON status route and a page that refreshes itself), and the results message.
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { CampaignRepository } from '../../../../../storage/campaigns.ts';
import { planInvitations, planResults, inviteCampaignId, resultsCampaignId } from '../../../../campaign-plans.ts';
import { readContactList, type ContactList } from '../../../../contact-list.ts';
import { pilotLinks, qrPng, qrSvg } from '../../../../pilot-links.ts';
import { UsageError } from '../../../../usage-error.ts';
import { direction } from '../../../../../surveys/languages.ts';
import { loadSurveyFile } from '../../../../conversation/index.ts';
import { readLocales } from '../../../../i18n.ts';
import { pageContext, parseOr400, pilotOr404, sendError, sendPage, type DashboardDeps } from '../../context.ts';
import { html, raw } from '../../html.ts';
import { csrfField } from '../../layout.ts';
import { BUILD_ROLES, type BuilderDeps } from './deps.ts';
import { CSV_FILE_SCRIPT } from './csv-file.ts';

const InviteForm = z.object({ csv: z.string().max(1_000_000).optional(), list: z.string().optional() });
const CHECKED_MS = 30 * 60_000;

/**
 * Checked lists waiting for "send", by a random token: the preview page carries the token,
 * never the numbers. In memory only (a restart asks for the list again), for 30 minutes.
 */
class CheckedLists {
  private readonly lists = new Map<string, { code: string; list: ContactList; until: number }>();
  put(code: string, list: ContactList, now: number): string {
    for (const [k, v] of this.lists) if (v.until < now) this.lists.delete(k);
    const token = randomBytes(18).toString('base64url');
    this.lists.set(token, { code, list, until: now + CHECKED_MS });
    return token;
  }
  take(token: string, code: string, now: number): ContactList | undefined {
    const e = this.lists.get(token);
    if (!e || e.code !== code || e.until < now) return undefined;
    this.lists.delete(token);
    return e.list;
  }
}
const WINDOW_MS = 10 * 60_000;

export function registerLaunch(server: FastifyInstance, deps: DashboardDeps, b: BuilderDeps): void {
  const cfg = { config: { roles: BUILD_ROLES } };
  const campaigns = new CampaignRepository(deps.db, deps.suppressionKey);
  const checked = new CheckedLists();
  const linksOf = async (code: string) => {
    const row = (await deps.store.pilots.find(code))!;
    const entry = deps.surveys.get(row.surveyId)!;
    return pilotLinks(row, entry.survey.languages, {
      perLanguage: true,
      telegramBot: (await b.telegramBot()) ?? undefined,
      whatsappDigits: b.whatsappDigits ?? undefined,
    });
  };

  // Everyone of the organisation reads links and progress; only builders send.
  server.get<{ Params: { code: string } }>('/pilots/:code/launch', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, req.params.code, reply, ctx);
    if (!pilot) return reply;
    const code = pilot.code;
    const links = await linksOf(code);
    const progress = await Promise.all([inviteCampaignId(code), resultsCampaignId(code)].map((id) => campaigns.progress(id)));
    const busy = BUILD_ROLES.includes(pilot.role) && progress.some((p) => p.planned > 0);
    const whatsapp = (await deps.store.pilots.find(code))!.channels.includes('whatsapp');
    const rows = links.map(
      (l) =>
        html`<tr data-link="${l.file}"><td>${l.channel}</td><td>${l.language ?? t('builder.any_language')}</td><td><a href="${l.url}">${l.url}</a></td><td><a href="/pilots/${code}/links/${l.file}.png" download>PNG</a> · <a href="/pilots/${code}/links/${l.file}.svg" download>SVG</a></td></tr>`,
    );
    const prog = (kind: string, p: (typeof progress)[number]) =>
      html`<p data-progress="${kind}">${t(`builder.campaign.${kind}`)}: ${t('builder.progress', { planned: p.planned, sent: p.sent, failed: p.failed, suppressed: p.suppressed })} <a href="/pilots/${code}/campaigns/${kind}/status">JSON</a></p>`;
    const body = html`${busy ? raw('<meta http-equiv="refresh" content="2">') : ''}<h1>${t('builder.launch_title', { name: pilot.name })} <span class="muted">(${code})</span></h1>
<h2>${t('builder.links')}</h2>${rows.length ? html`<div class="scroll" tabindex="0"><table><thead><tr><th>${t('builder.channel')}</th><th>${t('builder.language')}</th><th>${t('builder.link')}</th><th>${t('builder.qr')}</th></tr></thead><tbody>${rows}</tbody></table></div>` : html`<p>${t('builder.no_links')}</p>`}
${
  BUILD_ROLES.includes(pilot.role)
    ? html`<h2>${t('builder.progress_title')}</h2>${prog('invite', progress[0]!)}${prog('results', progress[1]!)}
<h2>${t('builder.invite_title')}</h2>${whatsapp ? '' : html`<p class="notice" data-no-whatsapp>${t('builder.no_whatsapp')}</p>`}<form method="post" action="/pilots/${code}/invitations" class="card">${csrfField(ctx)}<label>${t('builder.csv_file')} <input type="file" accept=".csv,text/csv" data-csv-into="invite-csv" hidden></label><label>${t('builder.csv')} <textarea id="invite-csv" name="csv" rows="6" class="wide" required></textarea></label><script>${raw(CSV_FILE_SCRIPT)}</script><p class="muted">${t('builder.csv_hint')}</p><button>${t('builder.preview')}</button></form>
<h2>${t('builder.results_title')}</h2><form method="post" action="/pilots/${code}/results" class="card">${csrfField(ctx)}${pilot.survey.languages.map(
        (l) => html`<label>${l} <textarea name="text_${l}" rows="3" class="wide" lang="${l}" dir="${direction(l)}"></textarea></label>`,
      )}<button>${t('builder.send_results')}</button></form>`
    : ''
}`;
    return sendPage(reply, ctx, t('builder.launch_title', { name: pilot.name }), body);
  });

  server.get<{ Params: { code: string; file: string } }>('/pilots/:code/links/:file', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, req.params.code, reply, ctx);
    if (!pilot) return reply;
    const m = /^(.+)\.(png|svg)$/.exec(req.params.file);
    const link = m && (await linksOf(pilot.code)).find((l) => l.file === m[1]);
    if (!m || !link) return sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    const name = `${pilot.code}-${link.file}.${m[2]}`;
    reply.header('content-disposition', `attachment; filename="${name}"`);
    return m[2] === 'png' ? reply.type('image/png').send(await qrPng(link.url)) : reply.type('image/svg+xml').send(await qrSvg(link.url));
  });

  // Exact counts of the list its sender uploaded: for builders only, like the CLI's output.
  server.get<{ Params: { code: string; kind: string } }>('/pilots/:code/campaigns/:kind/status', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, req.params.code, reply, ctx);
    if (!pilot) return reply;
    const id = req.params.kind === 'results' ? resultsCampaignId(pilot.code) : inviteCampaignId(pilot.code);
    return reply.header('cache-control', 'no-store').send(await campaigns.progress(id));
  });

  server.post<{ Params: { code: string } }>('/pilots/:code/invitations', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, req.params.code, reply, ctx);
    if (!pilot) return reply;
    const f = parseOr400(InviteForm, req.body, reply, ctx);
    if (!f) return reply;
    const row = (await deps.store.pilots.find(pilot.code))!;
    if (!row.channels.includes('whatsapp')) return sendError(reply, ctx, 400, t('builder.no_whatsapp'));
    const now = deps.now().getTime();
    const send = async (list: ContactList) => {
      try {
        const plan = await planInvitations(
          { db: deps.db, renderer: b.renderer, suppressionKey: deps.suppressionKey, inviteKey: b.inviteKey, now: deps.now() },
          row,
          pilot.survey,
          estimate(b, row.surveyFile),
          list,
          WINDOW_MS,
        );
        await b.queueCampaign(plan.campaignId);
      } catch (e) {
        if (e instanceof UsageError) return sendError(reply, ctx, 400, e.message);
        throw e;
      }
      return reply.redirect(`/pilots/${pilot.code}/launch`, 303);
    };
    if (f.list !== undefined) {
      const list = checked.take(f.list, pilot.code, now);
      if (!list) return sendError(reply, ctx, 400, t('builder.list_expired'));
      return send(list);
    }
    let list: ContactList;
    try {
      list = readContactList(f.csv ?? '', 'list.csv', pilot.survey.languages, pilot.survey.defaultLanguage, b.region);
    } catch (e) {
      if (e instanceof UsageError) return sendError(reply, ctx, 400, e.message);
      throw e;
    }
    const suppressed: typeof list.invitees = [];
    for (const x of list.invitees) if (await campaigns.isSuppressed('whatsapp', `${x.digits}@s.whatsapp.net`)) suppressed.push(x);
    const refused = [...list.refused, ...suppressed.map((x) => ({ line: x.line, reason: 'do_not_contact' as const }))];
    const rowOf = (place: string) => place.split(':').pop();
    const table = refused.map((r) => html`<tr data-refused="${rowOf(r.line)}"><td>${rowOf(r.line)}</td><td>${t(`builder.refused.${r.reason}`)}</td></tr>`);
    const ok = list.invitees.filter((x) => !suppressed.includes(x));
    // Masked: the country code and the last two digits, enough to recognise a row, not to call it.
    const mask = (d: string) => `+${d.slice(0, 2)}${'•'.repeat(Math.max(0, d.length - 4))}${d.slice(-2)}`;
    const token = checked.put(pilot.code, list, now);
    return sendPage(
      reply,
      ctx,
      t('builder.preview_title'),
      html`<h1>${t('builder.preview_title')}</h1><p data-invitees="${ok.length}">${t('builder.will_invite', { count: ok.length })}</p>
<ul>${ok.map((x) => html`<li>${rowOf(x.line)}: <span dir="ltr">${mask(x.digits)}</span> (${x.language})</li>`)}</ul>
<h2>${t('builder.refused_title', { count: refused.length })}</h2><table><thead><tr><th>${t('builder.row')}</th><th>${t('builder.reason')}</th></tr></thead><tbody>${table}</tbody></table>
<form method="post" action="/pilots/${pilot.code}/invitations">${csrfField(ctx)}<input type="hidden" name="list" value="${token}"><button class="primary"${ok.length === 0 ? ' disabled' : ''}>${t('builder.send', { count: ok.length })}</button></form>
<p><a href="/pilots/${pilot.code}/launch">${t('builder.back')}</a></p>`,
    );
  });

  server.post<{ Params: { code: string } }>('/pilots/:code/results', cfg, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const pilot = await pilotOr404(deps, req.params.code, reply, ctx);
    if (!pilot) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const texts = new Map<string, string>();
    for (const l of pilot.survey.languages) {
      const v = body[`text_${l}`];
      if (typeof v === 'string' && v.trim() !== '') texts.set(l, v.trim().slice(0, 2000));
    }
    if (texts.size === 0) return sendError(reply, ctx, 400, ctx.t('builder.results_empty'));
    const row = (await deps.store.pilots.find(pilot.code))!;
    const plan = await planResults(
      { db: deps.db, renderer: b.renderer, suppressionKey: deps.suppressionKey, inviteKey: b.inviteKey, now: deps.now() },
      row,
      pilot.survey,
      texts,
      WINDOW_MS,
    );
    if (!plan.ok) return sendError(reply, ctx, 400, ctx.t('builder.results_missing', { languages: plan.missing.join(', ') }));
    await b.queueCampaign(plan.campaignId);
    return reply.redirect(`/pilots/${pilot.code}/launch`, 303);
  });
}

/** The pilot's minutes estimate for the invitation text, as `stemmen pilot invite` reads it: from its survey file. */
function estimate(b: BuilderDeps, file: string | null): number {
  return file === null ? 5 : loadSurveyFile(file, readLocales(b.localesDir)).estimatedMinutes;
}
