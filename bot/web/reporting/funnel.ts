/**
 * The response funnel of a pilot: invited → started → consented → completed.
 *
 * "Invited" counts invitations sent by `stemmen pilot invite` (campaign targets marked sent).
 * People who come through a public link or QR code were never invited, so the response rate
 * (started ÷ invited) is only meaningful for pilots recruited by invitation; without any
 * invitation it is null. The other counts come from funnel events, which keep people who
 * declined (and were erased) or never consented (and were purged after 24 h).
 * The reminders' effect is completed-after-a-reminder ÷ reminded.
 * @module
 */
export interface FunnelRow {
  language: string | null; channel: string; started: number; consented: number; declined: number; stopped: number;
  completed: number; reminded: number; completedAfterReminder: number;
}
type Count = Exclude<keyof FunnelRow, 'language' | 'channel'>;
export interface Funnel extends Record<Count, number> {
  invited: number; responseRate: number | null; consentRate: number | null; completionRate: number | null; reminderEffect: number | null;
}

export function funnelTotals(rows: readonly FunnelRow[], invited: number): Funnel {
  const sum = (k: Count) => rows.reduce((a, r) => a + r[k], 0);
  const [started, consented, completed, reminded, completedAfterReminder] = (['started', 'consented', 'completed', 'reminded', 'completedAfterReminder'] as const).map(sum) as [number, number, number, number, number];
  const rate = (a: number, b: number) => (b ? a / b : null);
  return {
    invited, started, consented, declined: sum('declined'), stopped: sum('stopped'), completed, reminded, completedAfterReminder,
    responseRate: rate(started, invited), consentRate: rate(consented, started), completionRate: rate(completed, started), reminderEffect: rate(completedAfterReminder, reminded),
  };
}
