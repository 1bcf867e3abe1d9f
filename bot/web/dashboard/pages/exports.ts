/**
 * The Exports page (researchers and admins) and its downloads: answers streamed page by
 * page as CSV or JSON Lines, the codebook, the wide table (streamed a page of people at a
 * time) with its SPSS syntax, and datapackage.json.
 * @module
 */
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { countAnswers } from '../../../../storage/answer-pages.ts';
import { codedQuotesCsv, quotesDocument } from '../../exports/coded-quotes.ts';
import { answerChunks, codebookCsv, exportPackage, wideSps } from '../../exports/export.ts';
import { wideChunks } from '../../exports/wide.ts';
import { wideColumns } from '../../exports/wide-columns.ts';
import { pageContext, pilotOr404, sendError, sendPage, type DashboardDeps } from '../context.ts';
import { html } from '../html.ts';

const ROLES = { roles: ['admin', 'researcher'] as const };
const FILES = ['answers.csv', 'answers.jsonl', 'codebook.csv', 'wide.csv', 'wide.sps', 'datapackage.json', 'coded-quotes.csv', 'quotes.html'] as const;

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
<p><strong>${t('exports.count', { count: n })}</strong></p><ul class="card">${link('answers.csv', 'exports.answers_csv')}${link('answers.jsonl', 'exports.answers_jsonl')}${link('codebook.csv', 'exports.codebook')}${link('wide.csv', 'exports.wide_csv')}${link('wide.sps', 'exports.wide_sps')}${link('datapackage.json', 'exports.datapackage')}</ul>
<h2>${t('coding.exports_title')}</h2><p>${t('coding.exports_explain', { min: deps.rule.minRespondents })}</p><ul class="card">${link('coded-quotes.csv', 'coding.export_csv')}${link('quotes.html', 'coding.export_document')}</ul>
<p>${t('exports.wide_explain', { language: pilot.survey.defaultLanguage })}</p>
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
      case 'wide.csv':
        return reply.type('text/csv; charset=utf-8').send(Readable.from(wideChunks(deps.db, pilot.code, wideColumns(pilot.survey))));
      case 'coded-quotes.csv':
        return reply.type('text/csv; charset=utf-8').send(await codedQuotesCsv(deps.db, pilot.code, pilot.survey, deps.i18n, deps.rule));
      case 'quotes.html':
        return reply.type('text/html; charset=utf-8').send(await quotesDocument(deps.db, pilot, deps.i18n, deps.rule, ctx.lng));
      case 'wide.sps':
        // The syntax reads the file by the name the browser saves it under.
        return reply.type('text/plain; charset=utf-8').send(wideSps(pilot.survey, deps.i18n, pilot.survey.defaultLanguage, `${pilot.code}-wide.csv`));
      default:
        return reply
          .type('application/json')
          .send(exportPackage({ pilot: pilot.code, survey: pilot.survey, i18n: deps.i18n, format: 'csv', created: deps.now().toISOString() }));
    }
  });
}
