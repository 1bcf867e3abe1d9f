/**
 * Sessions as reminders see them. A reminder is claimed and its messages queued in one
 * transaction, and only while the session is still at the revision the reminder was planned
 * for (any activity bumps the revision) and that reminder has not gone out yet: so a reminder
 * is sent at most once, and never after the person answered.
 * @module
 */
import { sql } from 'kysely';
import type { Channel } from '../surveys/channels.ts';
import { parseSessionState } from '../surveys/engine/state.ts';
import type { SessionState } from '../surveys/engine/types.ts';
import { isPostgres, type Db } from './database.ts';
import type { OutboxWriter } from './outbox.ts';
import { channelFromRow } from './rows.ts';
import { StoreTx } from './store.ts';
import { FunnelLog } from './funnel.ts';
import { SuppressionList, type SuppressionKeyOf } from './suppression.ts';

export interface ReminderTarget {
  sessionId: string;
  respondentId: string;
  pilotCode: string;
  channel: Channel;
  revision: number;
  state: SessionState;
  /** Reminders already sent at this revision. */
  sent: number;
  /** Where the person writes from on this channel (the most recent contact), or null. */
  address: string | null;
  /** That address blocked the bot (or is gone) since the person last wrote. */
  unreachable: boolean;
}

export interface OutRow {
  id: string;
  payload: unknown;
}

/** `suppressed`: the address said STOP (here or in another pilot); `unreachable`: it blocked the bot. Nothing is sent. */
export type ReminderOutcome = 'sent' | 'stale' | 'gone' | 'no-address' | 'not-wanted' | 'suppressed' | 'unreachable';

export class ReminderRepository {
  /** `suppressionKey` hashes an address for the do-not-contact list, checked before each reminder. */
  constructor(
    private readonly db: Db,
    private readonly suppressionKey: SuppressionKeyOf,
  ) {}

  async target(sessionId: string, trx: Pick<Db, 'selectFrom'> = this.db): Promise<ReminderTarget | undefined> {
    const s = await trx
      .selectFrom('sessions')
      .select(['id', 'respondent_id', 'pilot_code', 'channel', 'revision', 'state', 'reminder_rev', 'reminder_step'])
      .where('id', '=', sessionId)
      .executeTakeFirst();
    if (!s) return undefined;
    const contact = await trx
      .selectFrom('contacts')
      .select(['address', 'unreachable_since'])
      .where('respondent_id', '=', s.respondent_id)
      .where('channel', '=', s.channel)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return {
      sessionId: s.id,
      respondentId: s.respondent_id,
      pilotCode: s.pilot_code,
      channel: channelFromRow(s.channel),
      revision: s.revision,
      state: parseSessionState(s.state, s.id),
      sent: s.reminder_rev === s.revision ? s.reminder_step : 0,
      address: contact?.address ?? null,
      unreachable: contact?.unreachable_since != null,
    };
  }

  /**
   * Sessions whose next reminder (or expiry) is due at `now`, oldest first, through the
   * `reminder_due_at` index: each with its revision and the reminders already sent at it,
   * which is the step that comes next.
   */
  async due(now: string, limit: number): Promise<Array<{ sessionId: string; revision: number; sent: number }>> {
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'revision', 'reminder_rev', 'reminder_step'])
      .where('reminder_due_at', '<=', now)
      .orderBy('reminder_due_at')
      .limit(limit)
      .execute();
    return rows.map((r) => ({ sessionId: r.id, revision: r.revision, sent: r.reminder_rev === r.revision ? r.reminder_step : 0 }));
  }

  /** Plans the session's next reminder at `dueAt` (null: none), unless it changed since `revision` (its save planned anew). */
  async replan(sessionId: string, revision: number, dueAt: string | null): Promise<void> {
    await this.db.updateTable('sessions').set({ reminder_due_at: dueAt }).where('id', '=', sessionId).where('revision', '=', revision).execute();
  }

  /**
   * Sends reminder `step` planned at `revision`: `build` renders the messages (or returns null
   * when none is wanted); they are queued and the step recorded atomically.
   */
  async sendReminder(p: {
    sessionId: string;
    revision: number;
    step: number;
    now: string;
    build: (t: ReminderTarget) => OutRow[] | null;
    outbox: OutboxWriter;
  }): Promise<{ outcome: ReminderOutcome; target?: ReminderTarget }> {
    return this.db.transaction().execute(async (trx) => {
      const t = await this.target(p.sessionId, trx);
      if (!t) return { outcome: 'gone' as const };
      if (t.revision !== p.revision || t.sent !== p.step) return { outcome: 'stale' as const, target: t };
      if (t.address === null) return { outcome: 'no-address' as const, target: t };
      if (await new SuppressionList(trx, this.suppressionKey).isSuppressed(t.channel, t.address)) return { outcome: 'suppressed' as const, target: t };
      if (t.unreachable) return { outcome: 'unreachable' as const, target: t };
      const rows = p.build(t);
      if (rows === null) return { outcome: 'not-wanted' as const, target: t };
      const claimed = await trx
        .updateTable('sessions')
        .set((eb) => ({ reminder_rev: p.revision, reminder_step: p.step + 1, reminded_count: eb('reminded_count', '+', 1) }))
        .where('id', '=', p.sessionId)
        .where('revision', '=', p.revision)
        .where(sql<number>`case when reminder_rev = ${p.revision} then reminder_step else 0 end`, '=', p.step)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) return { outcome: 'stale' as const, target: t };
      // The funnel counts reminded sessions, not reminders: "completed after a reminder" ÷ this is their effect.
      const place = { pilotCode: t.pilotCode, surveyId: t.state.surveyId, language: t.state.language, channel: t.channel };
      const before = await trx.selectFrom('sessions').select('reminded_count').where('id', '=', p.sessionId).executeTakeFirstOrThrow();
      if (before.reminded_count === 1) await new FunnelLog(trx).record(place, 'reminded', p.now);
      await p.outbox.enqueue(
        new StoreTx(trx, isPostgres(this.db)),
        rows.map((r) => ({ ...r, respondentId: t.respondentId, channel: t.channel, address: t.address!, createdAt: p.now })),
      );
      return { outcome: 'sent' as const, target: t };
    });
  }

  /**
   * Closes the session planned for expiry at `revision`: `apply` turns the expiry into session
   * changes and messages inside this transaction (the one writer of session state does it),
   * or returns null when none is wanted; the session is then marked expired.
   */
  async expire<R>(p: {
    sessionId: string;
    revision: number;
    now: string;
    apply: (tx: StoreTx, t: ReminderTarget) => Promise<R | null>;
  }): Promise<{ outcome: ReminderOutcome; target?: ReminderTarget; applied?: R }> {
    return this.db.transaction().execute(async (trx) => {
      const t = await this.target(p.sessionId, trx);
      if (!t) return { outcome: 'gone' as const };
      if (t.revision !== p.revision) return { outcome: 'stale' as const, target: t };
      const applied = await p.apply(new StoreTx(trx, isPostgres(this.db)), t);
      if (applied === null) return { outcome: 'not-wanted' as const, target: t };
      await trx.updateTable('sessions').set({ expired_at: p.now }).where('id', '=', t.sessionId).execute();
      await new FunnelLog(trx).record({ pilotCode: t.pilotCode, surveyId: t.state.surveyId, language: t.state.language, channel: t.channel }, 'expired', p.now);
      return { outcome: 'sent' as const, target: t, applied };
    });
  }
}
