/**
 * Funnel events: how many people started, consented, declined, stopped, completed, were
 * reminded, completed after a reminder, were closed for silence, or became unreachable
 * (blocked the bot), per pilot, survey, language, channel and day.
 *
 * Counts only, no respondent id: a row is incremented in the same transaction as the change
 * it counts, and nothing erases or purges it, so a declined (erased) or purged respondent
 * still counts as having started.
 * @module
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

export const FUNNEL_EVENTS = [
  'started',
  'consented',
  'declined',
  'stopped',
  'completed',
  'reminded',
  'completed_after_reminder',
  'expired',
  'unreachable',
] as const;
export type FunnelEvent = (typeof FUNNEL_EVENTS)[number];

/** Where an event belongs; `language` null before one was chosen. */
export interface FunnelPlace {
  pilotCode: string;
  surveyId: string;
  language: string | null;
  channel: string;
}

/** Event counts for one language and channel of a pilot, summed over days. */
export type FunnelCounts = { language: string | null; channel: string } & Record<FunnelEvent, number>;

type Executor = Kysely<Database> | Transaction<Database>;

const dayOf = (iso: string): string => iso.slice(0, 10);

/** Adds `by` (default 1; −1 moves a count, see {@link moveFunnelEvent}) to one event's count. */
export async function recordFunnelEvent(db: Executor, at: FunnelPlace, event: FunnelEvent, now: string, by = 1): Promise<void> {
  await db
    .insertInto('funnel_events')
    .values({ pilot_code: at.pilotCode, survey_id: at.surveyId, language: at.language ?? '', channel: at.channel, day: dayOf(now), event, count: by })
    .onConflict((oc) =>
      oc.columns(['pilot_code', 'survey_id', 'language', 'channel', 'day', 'event']).doUpdateSet({ count: sql<number>`funnel_events.count + ${by}` }),
    )
    .execute();
}

/** Moves one counted event to another language (a "started" once the respondent chose theirs), keeping its day. */
export async function moveFunnelEvent(db: Executor, from: FunnelPlace, toLanguage: string, event: FunnelEvent, day: string): Promise<void> {
  await recordFunnelEvent(db, from, event, day, -1);
  await recordFunnelEvent(db, { ...from, language: toLanguage }, event, day, 1);
}

/** A pilot's counts per language and channel (languages not chosen yet as null, first). */
export async function funnelCounts(db: Executor, pilotCode: string): Promise<FunnelCounts[]> {
  const rows = await db
    .selectFrom('funnel_events')
    .select((eb) => ['language', 'channel', 'event', eb.fn.sum<number | string>('count').as('n')])
    .where('pilot_code', '=', pilotCode)
    .groupBy(['language', 'channel', 'event'])
    .execute();
  const byPlace = new Map<string, FunnelCounts>();
  for (const r of rows) {
    const key = `${r.language}\u0000${r.channel}`;
    let c = byPlace.get(key);
    if (!c) {
      c = { language: r.language === '' ? null : r.language, channel: r.channel, ...Object.fromEntries(FUNNEL_EVENTS.map((e) => [e, 0])) } as FunnelCounts;
      byPlace.set(key, c);
    }
    if ((FUNNEL_EVENTS as readonly string[]).includes(r.event)) c[r.event as FunnelEvent] += Number(r.n);
  }
  // A place whose only "started" moved on to the chosen language is left at zero: not shown.
  return [...byPlace.values()]
    .filter((c) => FUNNEL_EVENTS.some((e) => c[e] !== 0))
    .sort((a, b) => (a.language ?? '').localeCompare(b.language ?? '') || a.channel.localeCompare(b.channel));
}

/** Funnel events inside a transaction (callers outside storage/ get one from `StoreTx.funnel`). */
export class FunnelLog {
  constructor(private readonly db: Executor) {}

  record(at: FunnelPlace, event: FunnelEvent, now: string): Promise<void> {
    return recordFunnelEvent(this.db, at, event, now);
  }

  move(from: FunnelPlace, toLanguage: string, event: FunnelEvent, day: string): Promise<void> {
    return moveFunnelEvent(this.db, from, toLanguage, event, day);
  }

  /** Whether a session got at least one reminder (for "completed after a reminder"). */
  async wasReminded(sessionId: string): Promise<boolean> {
    const row = await this.db.selectFrom('sessions').select('reminded_count').where('id', '=', sessionId).executeTakeFirst();
    return (row?.reminded_count ?? 0) > 0;
  }
}
