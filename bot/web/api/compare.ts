/**
 * `GET /api/v1/compare?pilots=a,b[&pooled=1][&outcomes=1]`: the comparison across pilots for
 * other tools. A token belongs to one pilot; it may compare the pilots of that pilot's
 * organisation (aggregates only, each cell under the minimum group size), no others.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { Db } from '../../../storage/database.ts';
import { PilotRepository } from '../../../storage/pilots.ts';
import type { Reports } from '../../../storage/reports.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import type { Survey } from '../../../surveys/model.ts';
import { comparePilots } from '../reporting/compare.ts';
import { compareQuery, refusalText, requestedCodes, resolvePilots } from '../reporting/compare-request.ts';
import { toAnswerFilter } from '../reporting/traffic-map.ts';

export function registerCompareApi(
  api: FastifyInstance,
  deps: { db: Db; reports: Reports; rule: AggregateRule; surveys: ReadonlyMap<string, { survey: Survey }> },
): void {
  const pilots = new PilotRepository(deps.db);
  api.get('/compare', async (req, reply) => {
    const q = compareQuery.safeParse(req.query);
    if (!q.success) return reply.code(400).send({ error: q.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const all = await pilots.list();
    const own = all.find((p) => p.code === req.apiPilot);
    const org = own?.organisationId ?? null;
    const r = resolvePilots(requestedCodes(q.data), all, (p) => deps.surveys.get(p.surveyId)?.survey, {
      see: (p) => p.organisationId === org,
      seesAll: false,
    });
    if (!r.ok) return reply.code(r.refusal.status).send({ error: refusalText(r.refusal, `this token may compare the pilots of organisation "${org}"`) });
    const comparison = await comparePilots(deps.reports, r.pilots, toAnswerFilter(q.data), deps.rule, { pooled: q.data.pooled, outcomes: q.data.outcomes });
    return { rule: { redShare: deps.rule.redShare, greenShare: deps.rule.greenShare, minRespondents: deps.rule.minRespondents }, ...comparison };
  });
}
