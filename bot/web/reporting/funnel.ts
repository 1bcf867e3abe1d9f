/**
 * The response funnel of a pilot: invited → started → consented → completed.
 *
 * "Invited" counts invitations sent by `stemmen pilot invite` (campaign targets marked sent).
 * People who come through a public link or QR code were never invited, so the response rate
 * (started ÷ invited) is only meaningful for pilots recruited by invitation; without any
 * invitation it is null. The other counts come from funnel events, which keep people who
 * declined (and were erased) or never consented (and were purged after 24 h).
 * The reminders' effect is completed-after-a-reminder ÷ reminded.
 *
 * Small-group protection (what the dashboard and the read API show) is {@link protectFunnel}.
 * @module
 */
import { largeEnough, type AggregateRule } from '../../../surveys/aggregate.ts';

export interface FunnelRow {
  language: string | null;
  channel: string;
  started: number;
  consented: number;
  declined: number;
  stopped: number;
  completed: number;
  reminded: number;
  completedAfterReminder: number;
  /** Blocked the bot (or the account is gone), counted when it happened; unblocking does not uncount it. */
  unreachable: number;
}
type Count = Exclude<keyof FunnelRow, 'language' | 'channel'>;
const COUNTS: readonly Count[] = ['started', 'consented', 'declined', 'stopped', 'completed', 'reminded', 'completedAfterReminder', 'unreachable'];
export interface Funnel extends Record<Count, number> {
  invited: number;
  responseRate: number | null;
  consentRate: number | null;
  completionRate: number | null;
  reminderEffect: number | null;
}

export function funnelTotals(rows: readonly FunnelRow[], invited: number): Funnel {
  const s = sumRows(rows);
  const rate = (a: number, b: number) => (b ? a / b : null);
  return {
    invited,
    ...s,
    responseRate: rate(s.started, invited),
    consentRate: rate(s.consented, s.started),
    completionRate: rate(s.completed, s.started),
    reminderEffect: rate(s.completedAfterReminder, s.reminded),
  };
}

/** The people behind a row: those who started, or more when some said STOP before any session. */
export const peopleIn = (r: Pick<FunnelRow, 'started' | 'stopped'>): number => Math.max(r.started, r.stopped);

/** The counts of a language × channel row that may be shown (the reminder counts only in total, see {@link protectFunnel}). */
export type RowCounts = Pick<FunnelRow, 'started' | 'consented' | 'declined' | 'stopped' | 'completed' | 'unreachable'> & { completionRate: number | null };
/** The pilot's total; the invitation and reminder numbers are null when from fewer than the minimum of people. */
export type ProtectedTotal = Omit<Funnel, 'invited' | 'reminded' | 'completedAfterReminder'> & {
  invited: number | null;
  reminded: number | null;
  completedAfterReminder: number | null;
};

/** What may be shown of a pilot's funnel under the minimum group size. */
export interface ProtectedFunnel {
  /** Null when fewer than the minimum of people started (then nothing at all is shown). */
  total: ProtectedTotal | null;
  /** Every language × channel row, in order; a hidden row has `counts: null`. */
  rows: Array<{ language: string | null; channel: string; counts: RowCounts | null }>;
  /** The hidden rows summed: from at least the minimum of people; null when no row is hidden, or every row (then the total says it). */
  other: RowCounts | null;
}

/**
 * Primary and complementary suppression, the standard of statistical disclosure control: a
 * row from fewer than the minimum of people is hidden (primary). Because the total is shown,
 * total − shown rows = the hidden rows together, so the smallest shown rows are hidden too
 * (complementary) until the hidden rows together come from at least the minimum of people.
 * Their sum is shown as one "other" row: it is derivable anyway, and it always holds at least
 * two hidden rows, so none of them can be worked out. The total is kept rather than suppressed
 * because it is what coordinators need most; below the minimum it goes too, and then the
 * whole pilot shows only "too few".
 *
 * Rates follow their own group: the response rate (and invitations) only from at least the
 * minimum invited, the reminders' effect (and its counts) only from at least the minimum of
 * reminded people. Reminder counts are not given per row: a small row's would otherwise
 * follow from the total by subtraction.
 */
export function protectFunnel(rows: readonly FunnelRow[], invited: number, rule: Pick<AggregateRule, 'minRespondents'>): ProtectedFunnel {
  const all = funnelTotals(rows, invited);
  if (!largeEnough(peopleIn(all), rule))
    return { total: null, rows: rows.map((r) => ({ language: r.language, channel: r.channel, counts: null })), other: null };
  const hidden = new Set(rows.filter((r) => !largeEnough(peopleIn(r), rule)));
  const smallestShown = () => rows.filter((r) => !hidden.has(r)).sort((a, b) => peopleIn(a) - peopleIn(b))[0];
  for (let next = smallestShown(); hidden.size > 0 && next && !largeEnough(peopleIn(sumRows([...hidden])), rule); next = smallestShown()) hidden.add(next);
  const rate = (a: number, b: number) => (b > 0 ? a / b : null);
  const remindedShown = largeEnough(all.reminded, rule);
  const invitedShown = largeEnough(invited, rule);
  const total: ProtectedTotal = {
    ...all,
    invited: invitedShown ? invited : null,
    responseRate: invitedShown ? all.responseRate : null,
    reminded: remindedShown ? all.reminded : null,
    completedAfterReminder: remindedShown ? all.completedAfterReminder : null,
    reminderEffect: remindedShown ? all.reminderEffect : null,
  };
  const shown = (r: Record<Count, number>): RowCounts => ({
    started: r.started,
    consented: r.consented,
    declined: r.declined,
    stopped: r.stopped,
    completed: r.completed,
    unreachable: r.unreachable,
    completionRate: rate(r.completed, r.started),
  });
  return {
    total,
    rows: rows.map((r) => ({ language: r.language, channel: r.channel, counts: hidden.has(r) ? null : shown(r) })),
    other: hidden.size > 0 && hidden.size < rows.length ? shown(sumRows([...hidden])) : null,
  };
}

function sumRows(rows: readonly FunnelRow[]): Record<Count, number> {
  return Object.fromEntries(COUNTS.map((k) => [k, rows.reduce((a, r) => a + r[k], 0)])) as Record<Count, number>;
}
