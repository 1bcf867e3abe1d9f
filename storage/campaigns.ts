/**
 * Campaigns: invitations to a pilot and results sent back to its respondents. One target row
 * per person, keyed by a keyed hash (invitations) or the respondent id (results), so planning
 * the same campaign again adds only new people, and a target is sent at most once: it is
 * claimed and its message queued in one transaction.
 *
 * An invitee's number is kept only where addresses live anyway: a `contacts` row for a
 * placeholder respondent, which the daily purge of people without consent removes after 24 h.
 * @module
 */
import { isPostgres, type Db } from './database.ts';
import type { OutboxWriter } from './outbox.ts';
import { StoreTx } from './store.ts';
import { SuppressionList, type SuppressionKeyOf } from './suppression.ts';
import type { Channel } from '../surveys/channels.ts';
import { channelFromRow } from './rows.ts';

export type CampaignKind = 'invite' | 'results' | 'wave';
/** `suppressed`: on the do-not-contact list when due, so not sent (not a failure). */
export interface Progress {
  planned: number;
  sent: number;
  failed: number;
  suppressed: number;
  total: number;
}

export class CampaignRepository {
  /** `suppressionKey` hashes an address for the do-not-contact list; every send checks it. */
  constructor(
    private readonly db: Db,
    private readonly suppressionKey: SuppressionKeyOf,
  ) {}

  /**
   * The results targets (respondent ids) of a pilot whose address is on the do-not-contact
   * list now, so planning can refuse them up front (sending checks again).
   */
  async suppressedRespondents(pilotCode: string, targetKeys: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    const list = new SuppressionList(this.db, this.suppressionKey);
    for (const rid of targetKeys) {
      const s = await this.db
        .selectFrom('sessions')
        .select('channel')
        .where('respondent_id', '=', rid)
        .where('pilot_code', '=', pilotCode)
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
      const contacts = s
        ? await this.db.selectFrom('contacts').select('address').where('respondent_id', '=', rid).where('channel', '=', s.channel).execute()
        : [];
      for (const c of contacts) if (await list.isSuppressed(s!.channel, c.address)) out.add(rid);
    }
    return out;
  }

  /** Whether an address is on the do-not-contact list now. */
  isSuppressed(channel: string, address: string): Promise<boolean> {
    return new SuppressionList(this.db, this.suppressionKey).isSuppressed(channel, address);
  }

  /** Creates the campaign, or updates its messages (language → rendered message) when run again. */
  async ensure(id: string, pilotCode: string, kind: CampaignKind, messages: Record<string, unknown>, now: string): Promise<void> {
    const texts = JSON.stringify(messages);
    await this.db
      .insertInto('campaigns')
      .values({ id, pilot_code: pilotCode, kind, texts, created_at: now })
      .onConflict((oc) => oc.column('id').doUpdateSet({ texts }))
      .execute();
  }

  /** Adds invitees not in the campaign yet; returns the keys it added and how many were there already. */
  async planInvitations(
    campaignId: string,
    invitees: Array<{ targetKey: string; address: string; language: string; plannedAt: string }>,
    now: string,
  ): Promise<{ added: string[]; already: number }> {
    return this.db.transaction().execute(async (trx) => {
      const added: string[] = [];
      let already = 0;
      for (const i of invitees) {
        const exists = await trx
          .selectFrom('campaign_targets')
          .select('status')
          .where('campaign_id', '=', campaignId)
          .where('target_key', '=', i.targetKey)
          .executeTakeFirst();
        if (exists) {
          already += 1;
          continue;
        }
        // A placeholder respondent holds the contact until the invitation is sent (purged after 24 h without consent).
        await trx
          .insertInto('respondents')
          .values({ id: i.targetKey, created_at: now, last_seen_at: now, language: i.language })
          .onConflict((oc) => oc.column('id').doNothing())
          .execute();
        await trx
          .insertInto('contacts')
          .values({ channel: 'whatsapp', address: i.address, respondent_id: i.targetKey, created_at: now, updated_at: now })
          .onConflict((oc) => oc.columns(['channel', 'address']).doNothing())
          .execute();
        await trx
          .insertInto('campaign_targets')
          .values({
            campaign_id: campaignId,
            target_key: i.targetKey,
            language: i.language,
            status: 'planned',
            planned_at: i.plannedAt,
            sent_at: null,
            error: null,
          })
          .execute();
        added.push(i.targetKey);
      }
      return { added, already };
    });
  }

  /**
   * The pilot's respondents who agreed to be contacted again (for at least one theme, by their
   * latest answer for it), each with the language of their latest session.
   */
  async optedIn(pilotCode: string, fallbackLanguage: string): Promise<Array<{ targetKey: string; language: string }>> {
    const answers = await this.db
      .selectFrom('consents')
      .select(['respondent_id', 'theme', 'granted'])
      .where('pilot_code', '=', pilotCode)
      .where('kind', '=', 'recontact')
      .orderBy('recorded_at', 'desc')
      .execute();
    const latest = new Map<string, { rid: string; granted: number }>();
    for (const c of answers) {
      const k = `${c.respondent_id}\u0000${c.theme ?? ''}`;
      if (!latest.has(k)) latest.set(k, { rid: c.respondent_id, granted: c.granted });
    }
    const out: Array<{ targetKey: string; language: string }> = [];
    for (const rid of new Set([...latest.values()].filter((x) => x.granted === 1).map((x) => x.rid))) {
      const s = await this.db
        .selectFrom('sessions')
        .select('language')
        .where('respondent_id', '=', rid)
        .where('pilot_code', '=', pilotCode)
        .orderBy('updated_at', 'desc')
        .executeTakeFirst();
      out.push({ targetKey: rid, language: s?.language ?? fallbackLanguage });
    }
    return out;
  }

  /** Adds respondents not in the campaign yet; returns the keys it added and how many were there already. */
  async planRespondents(
    campaignId: string,
    targets: Array<{ targetKey: string; language: string; plannedAt: string }>,
  ): Promise<{ added: string[]; already: number }> {
    return this.db.transaction().execute(async (trx) => {
      const added: string[] = [];
      let already = 0;
      for (const t of targets) {
        const exists = await trx
          .selectFrom('campaign_targets')
          .select('status')
          .where('campaign_id', '=', campaignId)
          .where('target_key', '=', t.targetKey)
          .executeTakeFirst();
        if (exists) {
          already += 1;
          continue;
        }
        await trx
          .insertInto('campaign_targets')
          .values({
            campaign_id: campaignId,
            target_key: t.targetKey,
            language: t.language,
            status: 'planned',
            planned_at: t.plannedAt,
            sent_at: null,
            error: null,
          })
          .execute();
        added.push(t.targetKey);
      }
      return { added, already };
    });
  }

  /** Keys already in the campaign (sent, failed or waiting). */
  async known(campaignId: string): Promise<Set<string>> {
    const rows = await this.db.selectFrom('campaign_targets').select('target_key').where('campaign_id', '=', campaignId).execute();
    return new Set(rows.map((r) => r.target_key));
  }

  /** Targets still waiting, with when they were planned (to re-queue a run that was interrupted). */
  async planned(campaignId: string): Promise<Array<{ targetKey: string; plannedAt: string }>> {
    const rows = await this.db
      .selectFrom('campaign_targets')
      .select(['target_key', 'planned_at'])
      .where('campaign_id', '=', campaignId)
      .where('status', '=', 'planned')
      .execute();
    return rows.map((r) => ({ targetKey: r.target_key, plannedAt: r.planned_at }));
  }

  async progress(campaignId: string): Promise<Progress> {
    const rows = await this.db
      .selectFrom('campaign_targets')
      .select((eb) => ['status', eb.fn.countAll().as('n')])
      .where('campaign_id', '=', campaignId)
      .groupBy('status')
      .execute();
    const p: Progress = { planned: 0, sent: 0, failed: 0, suppressed: 0, total: 0 };
    for (const r of rows) {
      p[r.status] = Number(r.n);
      p.total += Number(r.n);
    }
    return p;
  }

  /**
   * Sends one target: while still planned, finds where to reach them, queues the campaign's
   * message in their language and marks the target sent, atomically. Returns the address to
   * flush, or why not. An address on the do-not-contact list by then, or that blocked the bot
   * (marked unreachable), is not messaged.
   */
  async send(
    campaignId: string,
    targetKey: string,
    now: string,
    newId: () => string,
    outbox: OutboxWriter,
  ): Promise<{ outcome: 'sent'; channel: Channel; address: string } | { outcome: 'done' | 'gone' | 'no-address' | 'suppressed' | 'unreachable' }> {
    return this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('campaign_targets as t')
        .innerJoin('campaigns as c', 'c.id', 't.campaign_id')
        .select(['t.status', 't.language', 'c.kind', 'c.texts', 'c.pilot_code'])
        .where('t.campaign_id', '=', campaignId)
        .where('t.target_key', '=', targetKey)
        .executeTakeFirst();
      if (!row) return { outcome: 'gone' as const };
      if (row.status !== 'planned') return { outcome: 'done' as const };
      const last =
        row.kind === 'invite'
          ? 'whatsapp'
          : (
              await trx
                .selectFrom('sessions')
                .select('channel')
                .where('respondent_id', '=', targetKey)
                .where('pilot_code', '=', row.pilot_code)
                .orderBy('updated_at', 'desc')
                .executeTakeFirst()
            )?.channel;
      const channel = last === undefined ? undefined : channelFromRow(last);
      const contact =
        channel &&
        (await trx
          .selectFrom('contacts')
          .select(['address', 'unreachable_since'])
          .where('respondent_id', '=', targetKey)
          .where('channel', '=', channel)
          .orderBy('updated_at', 'desc')
          .executeTakeFirst());
      if (!channel || !contact) {
        await trx
          .updateTable('campaign_targets')
          .set({ status: 'failed', error: 'no address (purged, erased or never known)' })
          .where('campaign_id', '=', campaignId)
          .where('target_key', '=', targetKey)
          .execute();
        return { outcome: 'no-address' as const };
      }
      if (await new SuppressionList(trx, this.suppressionKey).isSuppressed(channel, contact.address)) {
        await trx
          .updateTable('campaign_targets')
          .set({ status: 'suppressed', error: 'on the do-not-contact list' })
          .where('campaign_id', '=', campaignId)
          .where('target_key', '=', targetKey)
          .execute();
        return { outcome: 'suppressed' as const };
      }
      if (contact.unreachable_since !== null) {
        await trx
          .updateTable('campaign_targets')
          .set({ status: 'failed', error: 'unreachable (blocked the bot or account gone)' })
          .where('campaign_id', '=', campaignId)
          .where('target_key', '=', targetKey)
          .execute();
        return { outcome: 'unreachable' as const };
      }
      const messages = JSON.parse(row.texts ?? '{}') as Record<string, unknown>;
      // The purpose tells a channel with templates (WhatsApp Cloud API) which one to use outside its window.
      const payload = { ...((messages[row.language] ?? Object.values(messages)[0]) as object), purpose: row.kind === 'invite' ? 'invitation' : 'results' };
      // An invitee is not a respondent yet: the row stays unlinked, like replies to someone who declined.
      await outbox.enqueue(new StoreTx(trx, isPostgres(this.db)), [
        {
          id: newId(),
          respondentId: row.kind === 'invite' ? null : targetKey,
          channel,
          address: contact.address,
          payload,
          createdAt: now,
          // Nobody is waiting for it: it goes when the channel has room, after conversations.
          priority: 'campaign',
        },
      ]);
      await trx
        .updateTable('campaign_targets')
        .set({ status: 'sent', sent_at: now })
        .where('campaign_id', '=', campaignId)
        .where('target_key', '=', targetKey)
        .execute();
      return { outcome: 'sent' as const, channel, address: contact.address };
    });
  }
}
