/**
 * The minimum group size applied to coding outputs: the counts table (code × indicator), the
 * background groups named beside an exported quote, and whether an indicator's shareable
 * quotes may be shown to viewers at all.
 * @module
 */
import { NOT_ANSWERED, type Split } from '../../../storage/breakdown.ts';
import type { CodedQuotes, SharedQuote } from '../../../storage/coded-quotes.ts';
import type { CodeCount } from '../../../storage/coding.ts';
import type { AnswerFilter, Reports } from '../../../storage/reports.ts';
import type { SplitReports } from '../../../storage/split-reports.ts';
import { largeEnough, type AggregateRule } from '../../../surveys/aggregate.ts';
import { groupShown, hiddenCells, type SplitQuestion } from './breakdown.ts';

/** A cell of the counts table: its figures, or null ("too few") when fewer people than the minimum are behind it. */
export type CountCell = { answers: number; respondents: number } | null;

/** The counts per code and indicator with small cells hidden; indicators in the order given. */
export function codeCountCells(counts: readonly CodeCount[], rule: Pick<AggregateRule, 'minRespondents'>): Map<string, Map<string | null, CountCell>> {
  const out = new Map<string, Map<string | null, CountCell>>();
  for (const c of counts) {
    const row = out.get(c.codeId) ?? out.set(c.codeId, new Map()).get(c.codeId)!;
    row.set(c.indicator, largeEnough(c.respondents, rule) ? { answers: c.answers, respondents: c.respondents } : null);
  }
  return out;
}

/**
 * Per background question, the groups that may be named beside a quote: those with at least
 * the minimum of people in the pilot, after the complementary rule of the split tables (so a
 * hidden group does not follow from the others). "Not answered" is never named.
 */
export async function namedGroups(
  quotes: CodedQuotes,
  pilot: string,
  splits: readonly Split[],
  rule: Pick<AggregateRule, 'minRespondents'>,
): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>();
  for (const split of splits) {
    const sizes = await quotes.groupSizes(pilot, split);
    const cells = [
      ...split.values.map((v) => ({ group: v, n: sizes.groups.find((g) => g.group === v)?.n ?? 0 })),
      { group: NOT_ANSWERED, n: Math.max(0, sizes.total - sizes.grouped) },
    ];
    const hidden = hiddenCells(cells, rule);
    out.set(split.question, new Set(split.values.filter((v) => !hidden.has(v))));
  }
  return out;
}

/**
 * The shareable quotes viewers may see in a selection, per indicator: none of an indicator whose
 * respondents in the selection are fewer than the minimum, nor under a group filter whose cell
 * of the split is hidden (the drill-down's rule), so a marked quote never outruns the small-group protection.
 */
export async function shownSharedQuotes(
  src: { quotes: CodedQuotes; reports: Reports; splits: SplitReports },
  pilot: string,
  filter: AnswerFilter,
  group: (SplitQuestion & { value: string }) | undefined,
  rule: AggregateRule,
  indicator?: string,
): Promise<Map<string, SharedQuote[]>> {
  const byIndicator = new Map<string, SharedQuote[]>();
  for (const q of await src.quotes.shared(pilot, filter, indicator)) {
    if (q.indicator === null) continue;
    (byIndicator.get(q.indicator) ?? byIndicator.set(q.indicator, []).get(q.indicator)!).push(q);
  }
  for (const id of [...byIndicator.keys()]) {
    const people = await src.reports.respondentsOfIndicator(pilot, id, filter);
    const hidden = !largeEnough(people.total, rule) || (group !== undefined && !(await groupShown(src.splits, pilot, id, filter, group, rule)));
    if (hidden) byIndicator.delete(id);
  }
  return byIndicator;
}
