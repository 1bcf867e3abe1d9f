/**
 * The response funnel of a pilot: invited → started → consented → completed.
 *
 * "Invited" is not counted: nothing records invitations (links, QR scans, messages sent)
 * yet, so the dashboard and API say "not tracked" and report `invited: null` rather than a
 * made-up number. Started, consented and completed come from sessions and consents.
 * @module
 */
export interface FunnelRow { language: string | null; channel: string; started: number; consented: number; completed: number }
export interface Funnel { invited: number | null; started: number; consented: number; completed: number; completionRate: number | null }

export function funnelTotals(rows: readonly FunnelRow[]): Funnel {
  const sum = (k: 'started' | 'consented' | 'completed') => rows.reduce((a, r) => a + r[k], 0);
  const started = sum('started');
  const completed = sum('completed');
  return { invited: null, started, consented: sum('consented'), completed, completionRate: started ? completed / started : null };
}
