/**
 * The start page: every pilot of the user's organisations with its response funnel (invited →
 * started → consented → completed, with declines, STOPs, people who blocked the bot and the
 * reminders' effect) in total and
 * per language and channel, and how many addresses are on the do-not-contact list.
 * No number comes from fewer people than MAP_MIN_RESPONDENTS, for any role: see
 * {@link protectFunnel} for how small rows are hidden so they cannot be worked out.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Organisations } from '../../../../storage/organisations.ts';
import { Reports } from '../../../../storage/reports.ts';
import { hasAnyRole, QUOTE_ROLES, roleIn } from '../../access.ts';
import { BUILD_ROLES } from './builder/deps.ts';
import { largeEnough } from '../../../../surveys/aggregate.ts';
import { protectFunnel, type ProtectedFunnel, type RowCounts } from '../../reporting/funnel.ts';
import { pageContext, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';
import type { PageContext } from '../layout.ts';

const pct = (r: number | null) => (r === null ? '–' : `${Math.round(r * 100)} %`);

/** The funnel of one pilot: its total, then its rows by language and channel (hidden ones without numbers). */
function funnelTables(ctx: PageContext, code: string, f: ProtectedFunnel, min: number) {
  const { t } = ctx;
  if (!f.total) return html`<div class="notice" role="status" data-small-group="${code}">${t('pilots.too_few', { count: min })}</div>`;
  const total = f.total;
  const few = html`<span class="muted">${t('pilots.too_few_cell')}</span>`;
  const orFew = (n: number | null, show: (n: number) => string) => (n === null ? few : show(n));
  const row = (language: string, channel: string, c: RowCounts) =>
    html`<tr><td>${language}</td><td>${channel}</td><td>${c.started}</td><td>${c.consented}</td><td>${c.completed}</td><td>${pct(c.completionRate)}</td></tr>`;
  const shown = f.rows.filter((r) => r.counts !== null);
  const byRows =
    shown.length === 0
      ? html`<p class="muted" data-small-group-rows>${t('pilots.rows_all_hidden')}</p>`
      : html`<div class="scroll" tabindex="0"><table><thead><tr><th>${t('pilots.language')}</th><th>${t('pilots.channel')}</th><th>${t('pilots.started')}</th><th>${t('pilots.consented')}</th><th>${t('pilots.completed')}</th><th>${t('pilots.completion_rate')}</th></tr></thead><tbody>
${f.rows.map((r) => (r.counts ? row(r.language ?? t('pilots.not_chosen'), r.channel, r.counts) : html`<tr data-hidden-row><td>${r.language ?? t('pilots.not_chosen')}</td><td>${r.channel}</td><td colspan="4" class="muted">${t('pilots.hidden_row')}</td></tr>`))}
${f.other ? html`<tr data-other-row><td colspan="2">${t('pilots.other')}</td><td>${f.other.started}</td><td>${f.other.consented}</td><td>${f.other.completed}</td><td>${pct(f.other.completionRate)}</td></tr>` : ''}
</tbody></table></div>`;
  return html`<div class="scroll" tabindex="0"><table><thead><tr><th>${t('pilots.invited')}</th><th>${t('pilots.started')}</th><th>${t('pilots.consented')}</th><th>${t('pilots.declined')}</th><th>${t('pilots.stopped')}</th><th>${t('pilots.unreachable')}</th><th>${t('pilots.completed')}</th><th>${t('pilots.response_rate')}</th><th>${t('pilots.consent_rate')}</th><th>${t('pilots.completion_rate')}</th><th>${t('pilots.reminder_effect')}</th></tr></thead>
<tbody><tr data-funnel="${code}"><td>${orFew(total.invited, String)}</td><td>${total.started}</td><td>${total.consented}</td><td>${total.declined}</td><td>${total.stopped}</td><td data-unreachable>${total.unreachable}</td><td>${total.completed}</td><td>${total.invited === null ? few : pct(total.responseRate)}</td><td>${pct(total.consentRate)}</td><td>${pct(total.completionRate)}</td><td>${total.reminded === null ? few : pct(total.reminderEffect)}</td></tr></tbody></table></div>
<h3>${t('pilots.by')}</h3>${byRows}`;
}

export function registerPilots(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);
  const organisations = new Organisations(deps.db);

  server.get('/', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const cards = [];
    const suppressed = await reports.doNotContact();
    for (const p of await reports.pilots()) {
      // Only the pilots of the user's organisations (admins: all), with the links of their role there.
      const role = ctx.user ? roleIn(ctx.user, p.organisationId) : null;
      if (!role) continue;
      const funnel = protectFunnel(await reports.funnel(p.code), await reports.invited(p.code), deps.rule);
      cards.push(html`<section class="card"><h2>${p.name} <span class="muted">(${p.code})</span></h2>
<p class="muted">${t('pilots.survey', { survey: p.surveyId })} · <span data-place="${p.code}">${p.municipality ? t('pilots.place', { municipality: p.municipality, organisation: p.organisationId }) : t('pilots.organisation', { organisation: p.organisationId })}</span></p>
<p><a href="/pilots/${p.code}">${t('pilots.map')}</a>${QUOTE_ROLES.includes(role) ? html` · <a href="/pilots/${p.code}/answers">${t('answers.link')}</a>` : ''} · <a href="/try/${p.code}" data-try="${p.code}">${t('nav.tryit')}</a>${role === 'admin' || role === 'coordinator' ? html` · <a href="/pilots/${p.code}/queue">${t('pilots.queue')}</a>` : ''}${role === 'admin' || role === 'researcher' ? html` · <a href="/pilots/${p.code}/exports">${t('pilots.exports')}</a> · <a href="/pilots/${p.code}/launch">${t('builder.launch_link')}</a>` : ''}${role !== 'viewer' ? html` · <a href="/pilots/${p.code}/codebook">${t('coding.title')}</a>` : ''}</p>
${funnelTables(ctx, p.code, funnel, deps.rule.minRespondents)}</section>`);
    }
    // The do-not-contact list is people too: its size only from the minimum on.
    const dnc =
      suppressed === 0
        ? ''
        : largeEnough(suppressed, deps.rule)
          ? html`<p class="muted" data-do-not-contact="${suppressed}">${t('pilots.do_not_contact', { count: suppressed })}</p>`
          : html`<p class="muted" data-do-not-contact="few">${t('pilots.do_not_contact_few', { count: deps.rule.minRespondents })}</p>`;
    const builds = ctx.user && hasAnyRole(ctx.user, BUILD_ROLES) ? html`<p><a href="/pilots/new" data-new-pilot>${t('builder.new_link')}</a></p>` : '';
    const compare = cards.length >= 2 ? html`<p><a href="/compare">${t('compare.link')}</a></p>` : '';
    // Every organisation the user works for has its blind-spot workshop (admins: all of them).
    const orgs = (await organisations.list()).filter((o) => ctx.user && roleIn(ctx.user, o.id));
    const workshops = orgs.map((o) => html`<li><a href="/orgs/${encodeURIComponent(o.id)}/workshop">${t('workshop.link', { organisation: o.name })}</a></li>`);
    return sendPage(
      reply,
      ctx,
      t('pilots.title'),
      html`<h1>${t('pilots.title')}</h1>${builds}${dnc}${compare}${workshops.length ? html`<ul class="workshops">${workshops}</ul>` : ''}${cards.length ? cards : html`<p>${t('pilots.none')}</p>`}`,
    );
  });
}
