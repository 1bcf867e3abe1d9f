/**
 * The response funnel of a pilot: invited → started → consented → completed.
 *
 * "Invited" counts invitations sent by `stemmen pilot invite` (campaign targets marked sent).
 * People who come through a public link or QR code were never invited, so the response rate
 * (started ÷ invited) is only meaningful for pilots recruited by invitation; without any
 * invitation it is null. Started, consented and completed come from sessions and consents.
 * @module
 */
export interface FunnelRow { language: string | null; channel: string; started: number; consented: number; completed: number }
export interface Funnel { invited: number; started: number; consented: number; completed: number; responseRate: number | null; completionRate: number | null }

export function funnelTotals(rows: readonly FunnelRow[], invited: number): Funnel {
  const sum = (k: 'started' | 'consented' | 'completed') => rows.reduce((a, r) => a + r[k], 0);
  const started = sum('started');
  const completed = sum('completed');
  return { invited, started, consented: sum('consented'), completed, responseRate: invited ? started / invited : null, completionRate: started ? completed / started : null };
}
