/**
 * The traffic-light map of a pilot, shared by the dashboard and the read API: per
 * indicator (and per outcome) how many people, their red/orange/green tally (each person
 * once), shares and aggregate colour — or only "too few" when fewer people than the minimum.
 * @module
 */
import { z } from 'zod';
import type { AnswerFilter, PeopleLights, Reports } from '../../../storage/reports.ts';
import { aggregateLight, largeEnough, percentages, type Aggregate, type AggregateRule, type LightTally } from '../../../surveys/aggregate.ts';
import { INDICATORS, findIndicator, type IndicatorGroup } from '../../../surveys/indicators.ts';

/** Numbers are null when they would come from fewer people than the minimum (`aggregate` is then "small_group"). */
export interface LightSummary {
  id: string;
  respondents: number | null;
  tally: LightTally | null;
  shares: LightTally | null;
  aggregate: Aggregate;
}
export interface IndicatorSummary extends LightSummary {
  group: IndicatorGroup;
}

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'not a real date');

/** Query-string filters: language, channel, and an inclusive date range (UTC days). */
export const filterQuery = z.object({
  language: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'a language code such as nl or ar')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  channel: z
    .string()
    .regex(/^[a-z]{2,20}$/, 'a channel such as telegram, whatsapp or tryit')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  from: day.optional().or(z.literal('').transform(() => undefined)),
  to: day.optional().or(z.literal('').transform(() => undefined)),
  /** A background question to split by (checked against the pilot's survey in breakdown.ts). */
  split: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}$/, 'a background question id such as residence_status')
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** One group: `<background question>:<value>`. */
  group: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}:[a-z][a-z0-9_]{0,63}$/, 'a background question and one of its values, such as residence_status:asylum')
    .optional()
    .or(z.literal('').transform(() => undefined)),
});
export type FilterQuery = z.output<typeof filterQuery>;

export function toAnswerFilter(q: FilterQuery): AnswerFilter {
  const next = q.to ? new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000).toISOString() : undefined;
  const [question, value] = q.group ? (q.group.split(':') as [string, string]) : [];
  return {
    language: q.language,
    channel: q.channel,
    from: q.from ? `${q.from}T00:00:00.000Z` : undefined,
    to: next,
    group: question && value ? { question, value } : undefined,
  };
}

/** Per id: its tally and aggregate, or only "too few" below the minimum (also used by the comparison across pilots). */
export function summarise(ids: readonly string[], { lights: counts, people }: PeopleLights, rule: AggregateRule): LightSummary[] {
  const tallies = new Map<string, LightTally>(ids.map((id) => [id, { red: 0, orange: 0, green: 0 }]));
  for (const c of counts) {
    const t = tallies.get(c.key);
    if (t) t[c.light] += c.n;
  }
  const sizes = new Map(people.map((p) => [p.key, p.n]));
  return ids.map((id) => {
    const respondents = sizes.get(id) ?? 0;
    if (!largeEnough(respondents, rule)) return { id, respondents: null, tally: null, shares: null, aggregate: 'small_group' };
    const tally = tallies.get(id)!;
    return { id, respondents, tally, shares: percentages(tally), aggregate: aggregateLight(tally, rule) };
  });
}

/** All 14 indicators in catalogue order (grouped), including those without answers; several pilots count together (each person once per pilot). */
export async function indicatorSummaries(
  reports: Reports,
  pilot: string | readonly string[],
  filter: AnswerFilter,
  rule: AggregateRule,
): Promise<IndicatorSummary[]> {
  return summarise(
    INDICATORS.map((i) => i.id),
    await reports.peopleLights('indicator', pilot, filter),
    rule,
  ).map((s) => ({ ...s, group: findIndicator(s.id)!.group }));
}

/** Every outcome of one indicator. */
export async function outcomeSummaries(reports: Reports, pilot: string, indicator: string, filter: AnswerFilter, rule: AggregateRule): Promise<LightSummary[]> {
  return summarise(findIndicator(indicator)?.outcomes ?? [], await reports.peopleLights('outcome', pilot, filter, indicator), rule);
}
