/**
 * The read API under /api/v1 for other tools (the M&E dashboard, R, Python): bearer tokens
 * scoped to one pilot, JSON pages or an NDJSON stream of answers, indicator summaries and
 * the funnel. Described in {@link OPENAPI}.
 * @module
 */
import { Readable } from 'node:stream';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { Accounts } from '../../../storage/accounts.ts';
import { answerPage, allAnswers } from '../../../storage/answer-pages.ts';
import { shownRow } from '../shown.ts';
import { Reports } from '../../../storage/reports.ts';
import type { Db } from '../../../storage/database.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import { sha256 } from '../auth.ts';
import { protectFunnel } from '../reporting/funnel.ts';
import { filterQuery, indicatorSummaries, outcomeSummaries, toAnswerFilter } from '../reporting/traffic-map.ts';
import type { Survey } from '../../../surveys/model.ts';
import { registerCompareApi } from './compare.ts';
import { waveQuery, waveReport } from '../reporting/wave-change.ts';
import { OPENAPI } from './openapi.ts';
import { PilotRepository } from '../../../storage/pilots.ts';
import { SplitReports } from '../../../storage/split-reports.ts';
import { breakdownIndicators } from './breakdown.ts';
import { registerOpenAnswersApi } from './open-answers.ts';
import { OpenAnswers } from '../../../storage/open-answers.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The pilot the request's bearer token may read; set on /api/v1 routes. */
    apiPilot: string | null;
  }
}

const pageQuery = z.object({ limit: z.coerce.number().int().min(1).max(5000).default(500), after: z.string().max(64).optional() });

function bad(reply: FastifyReply, error: z.ZodError): FastifyReply {
  return reply.code(400).send({ error: error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
}

export function registerApi(
  server: FastifyInstance,
  deps: { db: Db; accounts: Accounts; rule: AggregateRule; surveys: ReadonlyMap<string, { survey: Survey }> },
): void {
  const reports = new Reports(deps.db);
  const splits = new SplitReports(deps.db);
  const surveyOf = async (pilot: string) => {
    const row = await new PilotRepository(deps.db).find(pilot);
    return row && deps.surveys.get(row.surveyId)?.survey;
  };
  server.decorateRequest('apiPilot', null);

  void server.register(
    async (api) => {
      api.addHook('onRequest', async (req, reply) => {
        const m = /^Bearer\s+(\S+)$/i.exec(String(req.headers.authorization ?? ''));
        const pilot = m ? await deps.accounts.tokenPilot(sha256(m[1]!)) : undefined;
        if (!pilot)
          return reply
            .code(401)
            .header('www-authenticate', 'Bearer')
            .send({ error: 'send "Authorization: Bearer <token>" with a live token from `stemmen token create --pilot <code>`' });
        req.apiPilot = pilot;
        const code = (req.params as { code?: string } | undefined)?.code;
        if (code !== undefined && code !== pilot) return reply.code(403).send({ error: `this token is for pilot "${pilot}", not "${code}"` });
        return undefined;
      });

      api.get('/openapi.json', async () => OPENAPI);
      registerCompareApi(api, { db: deps.db, reports, rule: deps.rule, surveys: deps.surveys });

      api.get('/pilots', async (req) => ({ data: (await reports.pilots()).filter((p) => p.code === req.apiPilot) }));

      api.get('/pilots/:code', async (req, reply) => {
        const p = (await reports.pilots()).find((x) => x.code === req.apiPilot);
        return p ?? reply.code(404).send({ error: 'no such pilot' });
      });

      api.get('/pilots/:code/answers', async (req, reply) => {
        const q = pageQuery.safeParse(req.query);
        if (!q.success) return bad(reply, q.error);
        const page = await answerPage(deps.db, req.apiPilot!, q.data.after ?? null, q.data.limit);
        // Typed text, transcripts and translations with personal details masked (bot/web/shown.ts).
        const data = page.map(shownRow);
        return { data, next: data.length === q.data.limit ? data[data.length - 1]!.answer_id : null };
      });

      registerOpenAnswersApi(api, { open: new OpenAnswers(deps.db, deps.rule.minRespondents), rule: deps.rule, surveyOf });

      api.get('/pilots/:code/answers.ndjson', async (req, reply) => {
        const pilot = req.apiPilot!;
        const lines = async function* () {
          for await (const page of allAnswers(deps.db, pilot)) yield page.map((r) => `${JSON.stringify(shownRow(r))}\n`).join('');
        };
        return reply.type('application/x-ndjson').send(Readable.from(lines()));
      });

      api.get('/pilots/:code/indicators', async (req, reply) => {
        const q = filterQuery.safeParse(req.query);
        if (!q.success) return bad(reply, q.error);
        const filter = toAnswerFilter(q.data);
        const pilot = req.apiPilot!;
        const rule = { redShare: deps.rule.redShare, greenShare: deps.rule.greenShare, minRespondents: deps.rule.minRespondents };
        if (q.data.split !== undefined || filter.group) {
          const survey = await surveyOf(pilot);
          if (!survey) return reply.code(404).send({ error: `the survey of pilot "${pilot}" is not loaded; restart the bot after fixing its survey file` });
          const out = await breakdownIndicators(splits, pilot, survey, q.data, filter, deps.rule);
          return 'error' in out ? reply.code(400).send(out) : { rule, ...out };
        }
        const summaries = await indicatorSummaries(reports, pilot, filter, deps.rule);
        const data = [];
        for (const s of summaries)
          data.push({
            ...s,
            outcomes: (await outcomeSummaries(reports, pilot, s.id, filter, deps.rule)).map(({ id, respondents, tally, aggregate }) => ({
              id,
              respondents,
              tally,
              aggregate,
            })),
          });
        return { rule, data };
      });

      api.get('/pilots/:code/waves', async (req, reply) => {
        const q = waveQuery.safeParse(req.query);
        if (!q.success) return bad(reply, q.error);
        return { rule: { minRespondents: deps.rule.minRespondents }, ...(await waveReport(deps.db, req.apiPilot!, q.data.wave, deps.rule)) };
      });

      api.get('/pilots/:code/funnel', async (req) => {
        // The same small-group protection as the dashboard (null where a group is too small; see protectFunnel).
        const f = protectFunnel(await reports.funnel(req.apiPilot!), await reports.invited(req.apiPilot!), deps.rule);
        const blank = { started: null, consented: null, declined: null, stopped: null, completed: null, unreachable: null, completionRate: null };
        return {
          rule: { minRespondents: deps.rule.minRespondents },
          smallGroup: f.total === null,
          ...(f.total ?? {
            invited: null,
            ...blank,
            reminded: null,
            completedAfterReminder: null,
            responseRate: null,
            consentRate: null,
            reminderEffect: null,
          }),
          byLanguageAndChannel: f.rows.map((r) => ({ language: r.language, channel: r.channel, hidden: r.counts === null, ...(r.counts ?? blank) })),
          otherRows: f.other,
        };
      });
    },
    { prefix: '/api/v1' },
  );
}
