/**
 * Dead letters (admins only, being under /admin/): inbound messages that failed every
 * attempt and were parked, with where and why they failed. Respondents appear by a short
 * pseudonymous id; the address is not stored, so it cannot be shown.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { DeadLetters } from '../../../../storage/dead-letters.ts';
import { pageContext, sendPage, type DashboardDeps } from '../context.ts';
import { shownText } from '../../shown.ts';
import { html } from '../html.ts';

export const DEAD_LETTERS_PATH = '/admin/dead-letters';

export function registerDeadLetters(server: FastifyInstance, deps: DashboardDeps): void {
  const letters = new DeadLetters(deps.store);
  server.get(DEAD_LETTERS_PATH, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const [count, list] = await Promise.all([letters.count(), letters.list()]);
    const rows = list.map(
      (l) => html`<tr data-dead-letter="${l.messageKey}"><td>${l.lastSeenAt.slice(0, 16).replace('T', ' ')}</td><td>${l.channel}</td>
<td><code>${l.respondentId.slice(0, 10)}</code></td><td><code>${l.layer}/${l.code}</code></td><td>${l.reason}</td><td>${l.attempts}</td>
<td><details><summary>${t('dead_letters.show')}</summary><blockquote dir="auto">${shownText(JSON.stringify(l.content, null, 1))}</blockquote></details></td></tr>`,
    );
    const body = html`<h1>${t('dead_letters.title')}</h1><p class="muted">${t('dead_letters.explain')}</p>
<p data-dead-letter-count="${count}"><strong>${t('dead_letters.count', { count })}</strong></p>
${
  list.length === 0
    ? html`<p>${t('dead_letters.empty')}</p>`
    : html`<div class="scroll" tabindex="0"><table><thead><tr><th>${t('dead_letters.when')}</th><th>${t('dead_letters.channel')}</th>
<th>${t('dead_letters.respondent')}</th><th>${t('dead_letters.error')}</th><th>${t('dead_letters.reason')}</th><th>${t('dead_letters.attempts')}</th><th>${t('dead_letters.content')}</th></tr></thead>
<tbody>${rows}</tbody></table></div>`
}`;
    return sendPage(reply, ctx, t('dead_letters.title'), body);
  });
}
