/**
 * Messages the WhatsApp channel sent, kept a few days so Baileys' `getMessage` can answer a
 * retry receipt (the recipient could not decrypt and asks again). The store sees opaque
 * bytes (the encoded protobuf content) under the WhatsApp message id; no address.
 * Rows go with the hourly purge (by age) and with erasure or the purge of unconsented
 * people (by cascade on `respondent_id`).
 * @module
 */
import type { Kysely } from 'kysely';
import { toStoreError } from './errors.ts';
import type { Database } from './schema.ts';

/** How long a sent message can be asked for again. WhatsApp retries within minutes to hours. */
export const SENT_MESSAGE_TTL_MS = 3 * 24 * 60 * 60 * 1000;

export class SentMessages {
  constructor(private readonly db: Kysely<Database>) {}

  /**
   * Keeps `content` under `id` (a resend of the same id replaces it). Returns false, keeping
   * nothing, when the respondent was erased meanwhile: nothing of theirs may be written back.
   */
  async remember(id: string, respondentId: string | null, content: Uint8Array, now: string): Promise<boolean> {
    const encoded = Buffer.from(content).toString('base64');
    try {
      await this.db
        .insertInto('sent_messages')
        .values({ id, respondent_id: respondentId, content: encoded, created_at: now })
        .onConflict((oc) => oc.column('id').doUpdateSet({ respondent_id: respondentId, content: encoded, created_at: now }))
        .execute();
      return true;
    } catch (e) {
      if (toStoreError(e)?.code === 'constraint') return false;
      throw e;
    }
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const row = await this.db.selectFrom('sent_messages').select('content').where('id', '=', id).executeTakeFirst();
    return row ? new Uint8Array(Buffer.from(row.content, 'base64')) : undefined;
  }

  /** Forgets what was sent before `before` (ISO); returns how many. */
  async purge(before: string): Promise<number> {
    const res = await this.db.deleteFrom('sent_messages').where('created_at', '<', before).executeTakeFirst();
    return Number(res.numDeletedRows);
  }
}
