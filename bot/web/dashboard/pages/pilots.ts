/**
 * The start page: every pilot of the user's organisations with its response funnel (invited →
 * started → consented → completed, with declines, STOPs and the reminders' effect) in total and
 * per language and channel, and how many addresses are on the do-not-contact list.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Reports } from '../../../../storage/reports.ts';
import { roleIn } from '../../access.ts';
import { funnelTotals } from '../../reporting/funnel.ts';
import { pageContext, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';

const pct = (a: number, b: number) => (b > 0 ? `${Math.round((a / b) * 100)} %` : '–');

export function registerPilots(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);

  server.get('/', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const cards = [];
    const suppressed = await reports.doNotContact();
    for (const p of await reports.pilots()) {
      // Only the pilots of the user's organisations (admins: all), with the links of their role there.
      const role = ctx.user ? roleIn(ctx.user, p.organisationId) : null;
      if (!role) continue;
      const rows = await reports.funnel(p.code);
      const total = funnelTotals(rows, await reports.invited(p.code));
      cards.push(html`<section class="card"><h2>${p.name} <span class="muted">(${p.code})</span></h2>
<p class="muted">${t('pilots.survey', { survey: p.surveyId })}</p>
<p><a href="/pilots/${p.code}">${t('pilots.map')}</a>${role === 'admin' || role === 'coordinator' ? html` · <a href="/pilots/${p.code}/queue">${t('pilots.queue')}</a>` : ''}${role === 'admin' || role === 'researcher' ? html` · <a href="/pilots/${p.code}/exports">${t('pilots.exports')}</a>` : ''}</p>
<div class="scroll"><table><thead><tr><th>${t('pilots.invited')}</th><th>${t('pilots.started')}</th><th>${t('pilots.consented')}</th><th>${t('pilots.declined')}</th><th>${t('pilots.stopped')}</th><th>${t('pilots.completed')}</th><th>${t('pilots.response_rate')}</th><th>${t('pilots.consent_rate')}</th><th>${t('pilots.completion_rate')}</th><th>${t('pilots.reminder_effect')}</th></tr></thead>
<tbody><tr data-funnel="${p.code}"><td>${total.invited}</td><td>${total.started}</td><td>${total.consented}</td><td>${total.declined}</td><td>${total.stopped}</td><td>${total.completed}</td><td>${pct(total.started, total.invited)}</td><td>${pct(total.consented, total.started)}</td><td>${pct(total.completed, total.started)}</td><td>${pct(total.completedAfterReminder, total.reminded)}</td></tr></tbody></table></div>
<h3>${t('pilots.by')}</h3>
<div class="scroll"><table><thead><tr><th>${t('pilots.language')}</th><th>${t('pilots.channel')}</th><th>${t('pilots.started')}</th><th>${t('pilots.consented')}</th><th>${t('pilots.completed')}</th><th>${t('pilots.completion_rate')}</th></tr></thead><tbody>
${rows.map((r) => html`<tr><td>${r.language ?? t('pilots.not_chosen')}</td><td>${r.channel}</td><td>${r.started}</td><td>${r.consented}</td><td>${r.completed}</td><td>${pct(r.completed, r.started)}</td></tr>`)}
</tbody></table></div></section>`);
    }
    const dnc = suppressed > 0 ? html`<p class="muted" data-do-not-contact="${suppressed}">${t('pilots.do_not_contact', { count: suppressed })}</p>` : '';
    return sendPage(reply, ctx, t('pilots.title'), html`<h1>${t('pilots.title')}</h1>${dnc}${cards.length ? cards : html`<p>${t('pilots.none')}</p>`}`);
  });
}
