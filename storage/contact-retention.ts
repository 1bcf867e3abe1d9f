/**
 * Contacts kept only while needed. A respondent's addresses (`contacts` rows) may stay while
 * one of these holds, and are deleted as soon as none does:
 * - a session of theirs is open (not completed, stopped, expired or declined): replies and reminders;
 * - their latest recontact decision for some theme, or their latest expertpool decision, is yes;
 * - a campaign message is planned for them (invitation placeholder or results);
 * - a follow-up invitation awaits their reply (the RSVP is read from it);
 * - a media answer of theirs is still in the pipeline (a rejection note goes to the address).
 * Queued replies need no contact: each outbox row carries its own address until delivered.
 * Answers, consents and identity links (keyed hashes, no address) are never touched here.
 * @module
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Phase } from '../surveys/engine/types.ts';
import { AWAITING_REPLY, inExpertpool, recontactYes } from './followup.ts';
import type { Database } from './schema.ts';

/** Phases after which no reply or reminder is owed (expiry stops the session too). */
export const CLOSED_PHASES: readonly Phase[] = ['completed', 'stopped', 'declined'];

/** True when the respondent of the `contacts` row being looked at still needs their address. */
function stillNeeded(): RawBuilder<boolean> {
  const who = sql.ref('contacts.respondent_id');
  const closed = sql.join(CLOSED_PHASES.map((p) => sql.lit(p)));
  return sql<boolean>`(
    exists (select 1 from sessions s where s.respondent_id = ${who} and s.phase not in (${closed}))
    or exists (select 1 from consents c where c.respondent_id = ${who} and ${recontactYes})
    or exists (select 1 from consents p where p.respondent_id = ${who} and p.kind = 'expertpool'
      and ${inExpertpool(sql.ref('p.respondent_id'), sql.ref('p.pilot_code'))})
    or exists (select 1 from campaign_targets t where t.target_key = ${who} and t.status = 'planned')
    or exists (select 1 from followup_cases f where f.respondent_id = ${who} and f.status = ${AWAITING_REPLY})
    or exists (select 1 from answers a where a.respondent_id = ${who} and a.media_status = 'pending')
  )`;
}

/** Works on the database (the sweep) or inside a transaction (a session that just closed). */
export class ContactRetention {
  constructor(private readonly db: Kysely<Database>) {}

  /** Deletes the respondent's addresses unless one is still needed; returns how many rows went. */
  async release(respondentId: string): Promise<number> {
    const res = await this.db.deleteFrom('contacts').where('respondent_id', '=', respondentId).where(sql<boolean>`not ${stillNeeded()}`).executeTakeFirst();
    return Number(res.numDeletedRows);
  }

  /**
   * Deletes every address no longer needed (a recontact yes withdrawn later, a media answer
   * that reached its final status after completion, a campaign message sent); returns how many.
   */
  async sweep(): Promise<number> {
    const res = await this.db.deleteFrom('contacts').where(sql<boolean>`not ${stillNeeded()}`).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
