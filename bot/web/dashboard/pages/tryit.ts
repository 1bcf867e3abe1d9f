/**
 * The try-it picker: every pilot the user may see, each with a link to its try-it chat
 * (`/try/<code>`) per survey language, so staff can preview a survey as a respondent would
 * without a phone. The chat itself is public (respondents use it); this list is not.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { Reports } from '../../../../storage/reports.ts';
import { ENDONYMS, RTL } from '../../../../surveys/languages.ts';
import { roleIn } from '../../access.ts';
import { pageContext, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';

export function registerTryitPicker(server: FastifyInstance, deps: DashboardDeps): void {
  const reports = new Reports(deps.db);
  server.get('/tryit', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const rows = [];
    for (const p of await reports.pilots()) {
      if (!ctx.user || !roleIn(ctx.user, p.organisationId)) continue;
      const languages = deps.surveys.get(p.surveyId)?.survey.languages ?? [];
      const links = languages.map(
        (l) =>
          html`<li><a href="/try/${p.code}?lang=${l}" lang="${l}" hreflang="${l}" dir="${RTL.has(l) ? 'rtl' : 'ltr'}" data-try="${p.code}">${ENDONYMS[l] ?? l}</a></li>`,
      );
      rows.push(html`<section class="card"><h2>${p.name} <span class="muted">(${p.code})</span></h2>
<p><a href="/try/${p.code}" data-try="${p.code}">${t('tryit.open', { pilot: p.name })}</a></p>
${links.length ? html`<p>${t('tryit.in_language')}</p><ul class="languages">${links}</ul>` : html`<p class="muted">${t('tryit.no_survey')}</p>`}</section>`);
    }
    return sendPage(
      reply,
      ctx,
      t('tryit.title'),
      html`<h1>${t('tryit.title')}</h1><p>${t('tryit.explain')}</p>${rows.length ? rows : html`<p>${t('pilots.none')}</p>`}`,
    );
  });
}
