/**
 * `GET /api/v1/pilots/{code}/indicators?split=…|group=…`: the indicator summaries split or
 * filtered by a background question, each cell protected as in the dashboard
 * (reporting/breakdown.ts). Described in openapi.ts.
 * @module
 */
import type { AnswerFilter } from '../../../storage/reports.ts';
import type { SplitReports } from '../../../storage/split-reports.ts';
import type { AggregateRule } from '../../../surveys/aggregate.ts';
import type { Survey } from '../../../surveys/model.ts';
import {
  describeSplitIssue,
  groupIndicatorMap,
  groupOutcomeMap,
  resolveBreakdown,
  resolveSplit,
  splitIndicatorMap,
  splitOutcomeMap,
  type SplitCell,
} from '../reporting/breakdown.ts';

const cell = (c: SplitCell) => ({ group: c.group, respondents: c.summary.respondents, tally: c.summary.tally, aggregate: c.summary.aggregate });

/** The response body without `rule`, or `{ error }` (a 400) naming the bad parameter and the valid values. */
export async function breakdownIndicators(
  splits: SplitReports,
  pilot: string,
  survey: Survey,
  q: { split?: string | undefined },
  filter: AnswerFilter,
  rule: AggregateRule,
): Promise<{ error: string } | Record<string, unknown>> {
  const b = resolveBreakdown(survey, q, filter);
  if (!b.ok) {
    const param = q.split !== undefined && !resolveSplit(survey, q.split).ok ? 'split' : 'group';
    return { error: `${param}: ${describeSplitIssue(b.issue, survey.id)}` };
  }
  const { split, group } = b.value;
  const echo = group ? { group: { question: group.question.id, value: group.value } } : {};
  if (split) {
    // One column per group; the indicators' rows, then their outcomes' rows.
    const m = await splitIndicatorMap(splits, pilot, filter, split, rule);
    const data = [];
    for (const r of m.rows) {
      const o = await splitOutcomeMap(splits, pilot, r.id, filter, split, rule);
      data.push({
        id: r.id,
        group: r.group,
        cells: r.cells.map((c) => ({ ...cell(c), shares: c.summary.shares })),
        outcomes: o.rows.map((x) => ({ id: x.id, cells: x.cells.map(cell) })),
      });
    }
    return { split: { question: m.question, groups: m.groups }, ...echo, data };
  }
  const g = group!;
  const data = [];
  for (const s of await groupIndicatorMap(splits, pilot, filter, g, rule))
    data.push({
      ...s,
      outcomes: (await groupOutcomeMap(splits, pilot, s.id, filter, g, rule)).map(({ id, respondents, tally, aggregate }) => ({
        id,
        respondents,
        tally,
        aggregate,
      })),
    });
  return { ...echo, data };
}
