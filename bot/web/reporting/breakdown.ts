/**
 * Breakdown by group, shared by the dashboard, the read API and `stemmen pilot stats --split`:
 * which background question a request may split by, and the split map, drill-down and funnel
 * with the minimum group size applied to every cell.
 *
 * The rule ({@link hiddenCells}): a cell from fewer than the minimum of people is hidden
 * (primary). The unsplit figure of the same row is shown elsewhere (the map without split), so
 * total − shown cells = the hidden cells together; the smallest shown cells are hidden too
 * (complementary) until the hidden cells of the row together come from at least the minimum of
 * people, or all are hidden. Filtering to one group shows that group's cell of the split, so a
 * filter shows nothing the split hides.
 * @module
 */
import { isPreferNot, NOT_ANSWERED, type GroupFilter, type Split } from '../../../storage/breakdown.ts';
import type { AnswerFilter } from '../../../storage/reports.ts';
import type { GroupLights, SplitReports } from '../../../storage/split-reports.ts';
import { aggregateLight, largeEnough, percentages, type AggregateRule } from '../../../surveys/aggregate.ts';
import { findIndicator, INDICATORS, type IndicatorGroup } from '../../../surveys/indicators.ts';
import { choicesOf, type Question, type Survey } from '../../../surveys/model.ts';
import type { LightSummary } from './traffic-map.ts';

export { isPreferNot, NOT_ANSWERED };

/** A background question a request may split by, with its groups in display order (choices, then "not answered"). */
export interface SplitQuestion {
  question: Question;
  split: Split;
  groups: string[];
}

/** Why a split or group cannot be used, as data: the dashboard words it in its language, the API and CLI in English ({@link describeSplitIssue}). */
export interface SplitIssue {
  code: 'unknown_question' | 'not_background' | 'no_choices' | 'unknown_value';
  /** The question (or, for unknown_value, the value) asked for. */
  id: string;
  /** What may be asked instead: background question ids, or `question:value` pairs. */
  valid: string[];
}
export type Checked<T> = { ok: true; value: T } | { ok: false; issue: SplitIssue };

/** The survey's background questions that have choices (the ones that make groups). */
export function backgroundQuestions(survey: Survey): Question[] {
  return survey.background.flatMap((id) => survey.questions.filter((q) => q.id === id && choicesOf(q).length > 0));
}

/** The split a `split=<question>` asks for, or an issue naming the question and the valid ones. */
export function resolveSplit(survey: Survey, id: string): Checked<SplitQuestion> {
  const valid = backgroundQuestions(survey).map((q) => q.id);
  const q = survey.questions.find((x) => x.id === id);
  if (!q) return { ok: false, issue: { code: 'unknown_question', id, valid } };
  if (q.role !== 'background') return { ok: false, issue: { code: 'not_background', id, valid } };
  const values = choicesOf(q)
    .map((c) => c.id)
    .filter((v) => !isPreferNot(v));
  if (values.length === 0) return { ok: false, issue: { code: 'no_choices', id, valid } };
  return { ok: true, value: { question: q, split: { question: q.id, values }, groups: [...values, NOT_ANSWERED] } };
}

/** The group a `group=<question>:<value>` asks for, or an issue naming what is wrong and the valid values. */
export function resolveGroup(survey: Survey, g: GroupFilter): Checked<SplitQuestion & { value: string }> {
  const s = resolveSplit(survey, g.question);
  if (!s.ok) return s;
  if (!s.value.groups.includes(g.value))
    return { ok: false, issue: { code: 'unknown_value', id: g.value, valid: s.value.groups.map((v) => `${g.question}:${v}`) } };
  return { ok: true, value: { ...s.value, value: g.value } };
}

/** The issue in English, for the read API and the CLI. */
export function describeSplitIssue(i: SplitIssue, surveyId: string): string {
  const valid = i.valid.length ? `use one of: ${i.valid.join(', ')}` : `survey ${surveyId} has no background question with choices to split by`;
  switch (i.code) {
    case 'unknown_question':
      return `"${i.id}" is not a question of survey ${surveyId}; ${valid}`;
    case 'not_background':
      return `"${i.id}" is not a background question (it measures an indicator); ${valid}`;
    case 'no_choices':
      return `"${i.id}" is a background question without choices, which makes no groups; ${valid}`;
    case 'unknown_value':
      return `"${i.id}" is not one of its groups; ${valid}`;
  }
}

/** The groups of one row hidden by the primary and complementary rule (see the module comment). */
export function hiddenCells(cells: ReadonlyArray<{ group: string; n: number }>, rule: Pick<AggregateRule, 'minRespondents'>): Set<string> {
  const hidden = new Set(cells.filter((c) => !largeEnough(c.n, rule)).map((c) => c.group));
  const sumHidden = () => cells.filter((c) => hidden.has(c.group)).reduce((a, c) => a + c.n, 0);
  const smallestShown = () => cells.filter((c) => !hidden.has(c.group) && c.n > 0).sort((a, b) => a.n - b.n)[0];
  for (let next = smallestShown(); hidden.size > 0 && next && !largeEnough(sumHidden(), rule); next = smallestShown()) hidden.add(next.group);
  return hidden;
}

export interface SplitCell {
  group: string;
  summary: LightSummary;
}
/** The part of a split the queries need (the groups in display order). */
export type SplitGroups = Pick<SplitQuestion, 'split' | 'groups'>;
/** One group's column head: its people, or null when too few. */
export interface SplitGroup {
  id: string;
  respondents: number | null;
}
export interface SplitRows<R> {
  question: string;
  groups: SplitGroup[];
  rows: R[];
}

const tooFew = (id: string): LightSummary => ({ id, respondents: null, tally: null, shares: null, aggregate: 'small_group' });

/** One row (an indicator or outcome) of the split: a protected summary per group. */
function row(id: string, groups: readonly string[], lights: readonly GroupLights[], rule: AggregateRule): SplitCell[] {
  const cells = groups.map((g) => lights.find((l) => l.group === g && l.key === id) ?? { group: g, key: id, red: 0, orange: 0, green: 0, n: 0 });
  const hidden = hiddenCells(cells, rule);
  return cells.map((c) => {
    if (hidden.has(c.group)) return { group: c.group, summary: tooFew(id) };
    const tally = { red: c.red, orange: c.orange, green: c.green };
    return { group: c.group, summary: { id, respondents: c.n, tally, shares: c.n ? percentages(tally) : null, aggregate: aggregateLight(tally, rule) } };
  });
}

async function heads(reports: SplitReports, pilot: string, filter: AnswerFilter, sq: SplitGroups, rule: AggregateRule): Promise<SplitGroup[]> {
  const sizes = await reports.groupSizes(pilot, filter, sq.split);
  const cells = sq.groups.map((g) => ({ group: g, n: sizes.find((s) => s.group === g)?.n ?? 0 }));
  const hidden = hiddenCells(cells, rule);
  return cells.map((c) => ({ id: c.group, respondents: hidden.has(c.group) ? null : c.n }));
}

/** The map per group: all 14 indicators in catalogue order, one protected cell per group. */
export async function splitIndicatorMap(
  reports: SplitReports,
  pilot: string,
  filter: AnswerFilter,
  sq: SplitGroups,
  rule: AggregateRule,
): Promise<SplitRows<{ id: string; group: IndicatorGroup; cells: SplitCell[] }>> {
  const lights = await reports.peopleLights('indicator', pilot, filter, sq.split);
  return {
    question: sq.split.question,
    groups: await heads(reports, pilot, filter, sq, rule),
    rows: INDICATORS.map((i) => ({ id: i.id, group: i.group, cells: row(i.id, sq.groups, lights, rule) })),
  };
}

/** The outcomes of one indicator per group (the drill-down's bars, split). */
export async function splitOutcomeMap(
  reports: SplitReports,
  pilot: string,
  indicator: string,
  filter: AnswerFilter,
  sq: SplitGroups,
  rule: AggregateRule,
): Promise<SplitRows<{ id: string; cells: SplitCell[] }>> {
  const lights = await reports.peopleLights('outcome', pilot, filter, sq.split, indicator);
  return {
    question: sq.split.question,
    groups: await heads(reports, pilot, filter, sq, rule),
    rows: (findIndicator(indicator)?.outcomes ?? []).map((o) => ({ id: o, cells: row(o, sq.groups, lights, rule) })),
  };
}

/** Whether one group's figures on an indicator may be shown under a group filter: its cell of the split is. */
export async function groupShown(
  reports: SplitReports,
  pilot: string,
  indicator: string,
  filter: AnswerFilter,
  g: SplitQuestion & { value: string },
  rule: AggregateRule,
): Promise<boolean> {
  const lights = await reports.peopleLights('indicator', pilot, withoutGroup(filter), g.split, indicator);
  return row(indicator, g.groups, lights, rule).find((c) => c.group === g.value)!.summary.aggregate !== 'small_group';
}

/** The funnel per group (started and completed, from sessions), protected on the people who started. */
export async function splitFunnel(
  reports: SplitReports,
  pilot: string,
  sq: SplitQuestion,
  rule: AggregateRule,
): Promise<Array<{ group: string; started: number | null; completed: number | null; completionRate: number | null }>> {
  const rows = await reports.funnel(pilot, sq.split);
  const cells = sq.groups.map((g) => rows.find((r) => r.group === g) ?? { group: g, started: 0, completed: 0 });
  const hidden = hiddenCells(
    cells.map((c) => ({ group: c.group, n: c.started })),
    rule,
  );
  return cells.map((c) =>
    hidden.has(c.group)
      ? { group: c.group, started: null, completed: null, completionRate: null }
      : { group: c.group, started: c.started, completed: c.completed, completionRate: c.started ? c.completed / c.started : null },
  );
}

/** What a request's `split` and `group` ask for, checked against the pilot's survey. */
export interface Breakdown {
  split?: SplitQuestion | undefined;
  group?: (SplitQuestion & { value: string }) | undefined;
}
export function resolveBreakdown(survey: Survey, q: { split?: string | undefined }, filter: AnswerFilter): Checked<Breakdown> {
  const split = q.split === undefined ? undefined : resolveSplit(survey, q.split);
  if (split && !split.ok) return split;
  const group = filter.group && resolveGroup(survey, filter.group);
  if (group && !group.ok) return group;
  return { ok: true, value: { split: split?.value, group: group?.value } };
}

/** The filter without its group: the selection a group's column is cut from. */
export function withoutGroup(f: AnswerFilter): AnswerFilter {
  const { group: _, ...rest } = f;
  return rest;
}

/** The map of one group (a `group=` filter): that group's column of the split, so it hides what the split hides. */
export async function groupIndicatorMap(
  reports: SplitReports,
  pilot: string,
  filter: AnswerFilter,
  g: SplitQuestion & { value: string },
  rule: AggregateRule,
): Promise<Array<LightSummary & { group: IndicatorGroup }>> {
  const m = await splitIndicatorMap(reports, pilot, withoutGroup(filter), g, rule);
  return m.rows.map((r) => ({ ...r.cells.find((c) => c.group === g.value)!.summary, group: r.group }));
}

/** The outcomes of one indicator for one group, likewise. */
export async function groupOutcomeMap(
  reports: SplitReports,
  pilot: string,
  indicator: string,
  filter: AnswerFilter,
  g: SplitQuestion & { value: string },
  rule: AggregateRule,
): Promise<LightSummary[]> {
  const m = await splitOutcomeMap(reports, pilot, indicator, withoutGroup(filter), g, rule);
  return m.rows.map((r) => r.cells.find((c) => c.group === g.value)!.summary);
}
