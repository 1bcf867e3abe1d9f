/**
 * Addresses a channel said cannot be reached any more (Telegram: blocked the bot, account
 * deleted, chat not found). Marking one drops everything still queued for it (retrying only
 * keeps the address in the outbox), sets `contacts.unreachable_since`, and counts the person
 * once on the funnel ("unreachable") in the same transaction. Reminders, campaigns and
 * follow-up invitations skip a marked contact; a message from the person, or Telegram saying
 * they unblocked the bot, clears the mark (the funnel count stays, like a STOP's).
 * @module
 */
import type { Kysely, Transaction } from 'kysely';
import { FunnelLog } from './funnel.ts';
import type { Database } from './schema.ts';

type Executor = Kysely<Database> | Transaction<Database>;

export interface UnreachableResult {
  /** The pseudonymous respondent behind the address (contact, or else a dropped row), for logs; null if none. */
  respondentId: string | null;
  /** Outbox rows dropped. */
  dropped: number;
  /** True when the contact was reachable until now (then the funnel counted it). */
  newly: boolean;
}

export class Reachability {
  constructor(private readonly db: Executor) {}

  async markUnreachable(channel: string, address: string, now: string): Promise<UnreachableResult> {
    return this.inTransaction(async (trx) => {
      const queued = await trx.selectFrom('outbox').select('respondent_id').where('channel', '=', channel).where('address', '=', address).execute();
      await trx.deleteFrom('outbox').where('channel', '=', channel).where('address', '=', address).execute();
      const contact = await trx.selectFrom('contacts').select('respondent_id').where('channel', '=', channel).where('address', '=', address).executeTakeFirst();
      const marked = await trx
        .updateTable('contacts')
        .set({ unreachable_since: now })
        .where('channel', '=', channel)
        .where('address', '=', address)
        .where('unreachable_since', 'is', null)
        .executeTakeFirst();
      const newly = Number(marked.numUpdatedRows) > 0;
      if (newly && contact) await this.count(trx, contact.respondent_id, channel, now);
      return { respondentId: contact?.respondent_id ?? queued.find((q) => q.respondent_id)?.respondent_id ?? null, dropped: queued.length, newly };
    });
  }

  /** Clears the mark (the person unblocked the bot); true when there was one. */
  async markReachable(channel: string, address: string): Promise<boolean> {
    const res = await this.db
      .updateTable('contacts')
      .set({ unreachable_since: null })
      .where('channel', '=', channel)
      .where('address', '=', address)
      .where('unreachable_since', 'is not', null)
      .executeTakeFirst();
    return Number(res.numUpdatedRows) > 0;
  }

  /** Whether the address is marked unreachable now. */
  async isUnreachable(channel: string, address: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('contacts')
      .select('unreachable_since')
      .where('channel', '=', channel)
      .where('address', '=', address)
      .executeTakeFirst();
    return row?.unreachable_since != null;
  }

  /** Counts the person where their latest session on this channel is (no session: nothing to count on). */
  private async count(trx: Executor, respondentId: string, channel: string, now: string): Promise<void> {
    const s = await trx
      .selectFrom('sessions')
      .select(['pilot_code', 'survey_id', 'language'])
      .where('respondent_id', '=', respondentId)
      .where('channel', '=', channel)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (s) await new FunnelLog(trx).record({ pilotCode: s.pilot_code, surveyId: s.survey_id, language: s.language, channel }, 'unreachable', now);
  }

  private inTransaction<T>(fn: (trx: Executor) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? fn(this.db) : (this.db as Kysely<Database>).transaction().execute(fn);
  }
}
