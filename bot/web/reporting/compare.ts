/**
 * The comparison across pilots, shared by the dashboard page and the read API: the indicator
 * map of each pilot side by side and, on request, pooled; every cell with its number of
 * people and the minimum group size. Pilots with different surveys are compared by
 * indicator (and outcome); the questions that have no counterpart are listed.
 *
 * A pooled cell is shown only when every pilot's own cell could be shown (nobody, or at
 * least the minimum): otherwise pooled minus the shown pilots would give away the small one.
 * @module
 */
import type { AnswerFilter, Reports } from '../../../storage/reports.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import { findIndicator, INDICATORS, type IndicatorGroup } from '../../../surveys/indicators.ts';
import type { Survey } from '../../../surveys/model.ts';
import { summarise, type LightSummary } from './traffic-map.ts';

export interface ComparedPilot {
  code: string;
  name: string;
  organisationId: string;
  municipality: string | null;
  survey: Survey;
}

/** One cell: the pilot's (or the pool's) summary, whether its survey asks about this at all, and the minimum applied. */
export interface CompareCell extends LightSummary {
  asked: boolean;
  minRespondents: number;
  /** Pooled only: hidden because one pilot's own cell is too small (see the module note). */
  hiddenBecause?: string[];
}

export interface CompareRow {
  id: string;
  group?: IndicatorGroup;
  cells: CompareCell[];
  pooled: CompareCell | null;
}

export interface IndicatorComparison extends CompareRow {
  group: IndicatorGroup;
  outcomes: CompareRow[];
}

/** A question of one pilot's survey whose indicator and outcome other compared surveys do not ask. */
export interface UnmatchedQuestion {
  pilot: string;
  surveyId: string;
  question: string;
  indicator: string;
  outcome: string;
  notAskedIn: string[];
}

export interface Comparison {
  pilots: Array<Omit<ComparedPilot, 'survey'> & { surveyId: string; surveyVersion: number }>;
  sameSurvey: boolean;
  minRespondents: number;
  indicators: IndicatorComparison[];
  unmatched: UnmatchedQuestion[];
}

const asks = (s: Survey, indicator: string, outcome?: string) =>
  s.questions.some((q) => q.role !== 'background' && q.indicator === indicator && (outcome === undefined || q.outcome === outcome));

/** Questions (not background ones) whose indicator/outcome pair is missing from another compared survey. */
export function unmatchedQuestions(pilots: readonly ComparedPilot[]): UnmatchedQuestion[] {
  const out: UnmatchedQuestion[] = [];
  for (const p of pilots) {
    const seen = new Set<string>();
    for (const q of p.survey.questions) {
      if (q.role === 'background' || q.indicator === null || q.outcome === null || seen.has(q.id)) continue;
      seen.add(q.id);
      const notAskedIn = pilots.filter((o) => o.survey.id !== p.survey.id && !asks(o.survey, q.indicator!, q.outcome!)).map((o) => o.code);
      if (notAskedIn.length > 0) out.push({ pilot: p.code, surveyId: p.survey.id, question: q.id, indicator: q.indicator, outcome: q.outcome, notAskedIn });
    }
  }
  return out;
}

function pool(cells: readonly CompareCell[], pilots: readonly ComparedPilot[], pooled: LightSummary, rule: AggregateRule): CompareCell {
  const small = cells.flatMap((c, i) => (c.aggregate === 'small_group' ? [pilots[i]!.code] : []));
  const base = { asked: cells.some((c) => c.asked), minRespondents: rule.minRespondents };
  if (small.length === 0) return { ...pooled, ...base };
  return { id: pooled.id, respondents: null, tally: null, shares: null, aggregate: 'small_group', ...base, hiddenBecause: small };
}

async function rowsOf(
  reports: Reports,
  pilots: readonly ComparedPilot[],
  key: 'indicator' | 'outcome',
  ids: readonly string[],
  filter: AnswerFilter,
  rule: AggregateRule,
  pooled: boolean,
  indicator?: string,
): Promise<CompareRow[]> {
  const per = await Promise.all(pilots.map(async (p) => summarise(ids, await reports.peopleLights(key, p.code, filter, indicator), rule)));
  const all = pooled
    ? summarise(
        ids,
        await reports.peopleLights(
          key,
          pilots.map((p) => p.code),
          filter,
          indicator,
        ),
        rule,
      )
    : null;
  return ids.map((id, row) => {
    const cells = pilots.map((p, i) => ({
      ...per[i]![row]!,
      asked: key === 'indicator' ? asks(p.survey, id) : asks(p.survey, indicator!, id),
      minRespondents: rule.minRespondents,
    }));
    return { id, cells, pooled: all ? pool(cells, pilots, all[row]!, rule) : null };
  });
}

/** The comparison of two or more pilots the caller may see (the caller checks access). */
export async function comparePilots(
  reports: Reports,
  pilots: readonly ComparedPilot[],
  filter: AnswerFilter,
  rule: AggregateRule,
  o: { pooled: boolean; outcomes: boolean },
): Promise<Comparison> {
  const ids = INDICATORS.map((i) => i.id);
  const rows = await rowsOf(reports, pilots, 'indicator', ids, filter, rule, o.pooled);
  const indicators: IndicatorComparison[] = [];
  for (const r of rows) {
    const ind = findIndicator(r.id)!;
    const asked = r.cells.some((c) => c.asked);
    const outcomes = o.outcomes && asked ? await rowsOf(reports, pilots, 'outcome', ind.outcomes, filter, rule, o.pooled, ind.id) : [];
    indicators.push({ ...r, group: ind.group, outcomes });
  }
  return {
    pilots: pilots.map(({ survey, ...p }) => ({ ...p, surveyId: survey.id, surveyVersion: survey.version })),
    sameSurvey: new Set(pilots.map((p) => p.survey.id)).size === 1,
    minRespondents: rule.minRespondents,
    indicators,
    unmatched: unmatchedQuestions(pilots),
  };
}
