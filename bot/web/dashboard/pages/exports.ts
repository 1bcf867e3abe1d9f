/**
 * The Exports page (researchers and admins) and its downloads: answers streamed page by
 * page as CSV or JSON Lines, the codebook and datapackage.json.
 * @module
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { countAnswers } from '../../../../storage/answer-pages.ts';
import { dataPackage } from '../../exports/datapackage.ts';
import { answerChunks, codebookCsv } from '../../exports/export.ts';
import { pageContext, pilotOr404, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';

const ROLES = { roles: ['admin', 'researcher'] as const };
const FILES = ['answers.csv', 'answers.jsonl', 'codebook.csv', 'datapackage.json'] as const;

export function registerExports(server: FastifyInstance, deps: DashboardDeps): void {
  server.get('/pilots/:code/exports', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const { t } = ctx;
    const pilot = await pilotOr404(deps, (req.params as { code: string }).code, reply, ctx);
    if (!pilot) return reply;
    const n = await countAnswers(deps.db, pilot.code);
    const link = (file: string, key: string) => html`<li><a href="/pilots/${pilot.code}/exports/${file}" download>${t(key)}</a></li>`;
    return sendPage(
      reply,
      ctx,
      t('exports.title'),
      html`<h1>${t('exports.title')}: ${pilot.name}</h1><p>${t('exports.explain')}</p>
<p><strong>${t('exports.count', { count: n })}</strong></p><ul class="card">${link('answers.csv', 'exports.answers_csv')}${link('answers.jsonl', 'exports.answers_jsonl')}${link('codebook.csv', 'exports.codebook')}${link('datapackage.json', 'exports.datapackage')}</ul>
<p>${t('exports.formulas')}</p>`,
    );
  });

  server.get('/pilots/:code/exports/:file', { config: ROLES }, async (req, reply) => {
    const ctx = pageContext(deps, req);
    const params = req.params as { code: string; file: string };
    if (!(FILES as readonly string[]).includes(params.file)) return sendError(reply, ctx, 404, ctx.t('errors.not_found'));
    const pilot = await pilotOr404(deps, params.code, reply, ctx);
    if (!pilot) return reply;
    const name = `${pilot.code}-${params.file}`;
    void reply.header('content-disposition', `attachment; filename="${name}"`).header('cache-control', 'no-store');
    switch (params.file) {
      case 'answers.csv':
        return reply.type('text/csv; charset=utf-8').send(Readable.from(answerChunks(deps.db, pilot.code, 'csv')));
      case 'answers.jsonl':
        return reply.type('application/jsonl; charset=utf-8').send(Readable.from(answerChunks(deps.db, pilot.code, 'jsonl')));
      case 'codebook.csv':
        return reply.type('text/csv; charset=utf-8').send(codebookCsv(pilot.survey, deps.i18n));
      default:
        return reply.type('application/json').send(dataPackage({ pilot: pilot.code, survey: pilot.survey, format: 'csv', created: deps.now().toISOString() }));
    }
  });
}
