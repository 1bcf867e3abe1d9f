/**
 * What the WhatsApp Cloud API channel keeps between calls: uploaded prompt media ids, the last
 * status of each sent message (for the funnel), and when each person last wrote (the 24-hour
 * customer-service window). No phone number: windows are keyed by a keyed hash.
 * @module
 */
import type { Kysely } from 'kysely';
import { toStoreError } from './errors.ts';
import type { CloudMessagesTable, Database } from './schema.ts';

export type CloudStatus = CloudMessagesTable['status'];
/** Later statuses win; a late "sent" callback must not undo "read". */
const RANK: Record<CloudStatus, number> = { accepted: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

export class CloudWhatsAppStore {
  constructor(private readonly db: Kysely<Database>) {}

  async mediaId(fileKey: string, notBefore: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('cloud_media')
      .select('media_id')
      .where('file_key', '=', fileKey)
      .where('uploaded_at', '>=', notBefore)
      .executeTakeFirst();
    return row?.media_id;
  }

  async rememberMedia(fileKey: string, mediaId: string, now: string): Promise<void> {
    await this.db
      .insertInto('cloud_media')
      .values({ file_key: fileKey, media_id: mediaId, uploaded_at: now })
      .onConflict((oc) => oc.column('file_key').doUpdateSet({ media_id: mediaId, uploaded_at: now }))
      .execute();
  }

  /** A message Meta accepted. False (nothing kept) when the respondent was erased meanwhile. */
  async sent(id: string, respondentId: string | null, purpose: string | null, now: string): Promise<boolean> {
    try {
      await this.db
        .insertInto('cloud_messages')
        .values({ id, respondent_id: respondentId, purpose, status: 'accepted', error_code: null, updated_at: now })
        .onConflict((oc) => oc.column('id').doNothing())
        .execute();
      return true;
    } catch (e) {
      if (toStoreError(e)?.code === 'constraint') return false;
      throw e;
    }
  }

  /** Records a status callback; an unknown id (not ours, or forgotten) or an older status changes nothing. */
  async status(id: string, status: CloudStatus, errorCode: number | null, at: string): Promise<boolean> {
    const row = await this.db.selectFrom('cloud_messages').select('status').where('id', '=', id).executeTakeFirst();
    if (!row || RANK[row.status] >= RANK[status]) return false;
    await this.db.updateTable('cloud_messages').set({ status, error_code: errorCode, updated_at: at }).where('id', '=', id).execute();
    return true;
  }

  /** Messages per status, for the funnel (optionally only one purpose). */
  async statusCounts(purpose?: string): Promise<Record<CloudStatus, number>> {
    let q = this.db
      .selectFrom('cloud_messages')
      .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('status');
    if (purpose !== undefined) q = q.where('purpose', '=', purpose);
    const out: Record<CloudStatus, number> = { accepted: 0, sent: 0, delivered: 0, read: 0, failed: 0 };
    for (const r of await q.execute()) out[r.status] = Number(r.n);
    return out;
  }

  async wrote(addressKey: string, at: string): Promise<void> {
    await this.db
      .insertInto('cloud_windows')
      .values({ address_key: addressKey, last_inbound_at: at })
      .onConflict((oc) => oc.column('address_key').doUpdateSet({ last_inbound_at: at }))
      .execute();
  }

  async lastInbound(addressKey: string): Promise<string | undefined> {
    return (await this.db.selectFrom('cloud_windows').select('last_inbound_at').where('address_key', '=', addressKey).executeTakeFirst())?.last_inbound_at;
  }

  /** Forgets windows closed before `before` (they can only say "closed", which no row says too). */
  async purgeWindows(before: string): Promise<number> {
    return Number((await this.db.deleteFrom('cloud_windows').where('last_inbound_at', '<', before).executeTakeFirst()).numDeletedRows);
  }
}
