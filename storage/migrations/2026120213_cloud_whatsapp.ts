/**
 * What the WhatsApp Cloud API channel keeps:
 * - `cloud_media`: the media id Meta gave an uploaded prompt file, so each prompt is uploaded
 *   once and re-sent by id (ids expire after 30 days at Meta; `uploaded_at` says when to renew).
 * - `cloud_messages`: the last status Meta reported (sent, delivered, read, failed) per message
 *   we sent, for the funnel. Keyed by Meta's message id; `respondent_id` for erasure by cascade.
 * - `cloud_windows`: when each person last wrote, keyed by a keyed hash of their number (never
 *   the number), to know whether the 24-hour customer-service window is open.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('cloud_media')
    .addColumn('file_key', 'text', (c) => c.primaryKey())
    .addColumn('media_id', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('cloud_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('respondent_id', 'text', (c) => c.references('respondents.id').onDelete('cascade'))
    .addColumn('purpose', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error_code', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cloud_messages_respondent').on('cloud_messages').column('respondent_id').execute();
  await db.schema
    .createTable('cloud_windows')
    .addColumn('address_key', 'text', (c) => c.primaryKey())
    .addColumn('last_inbound_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('cloud_windows').execute();
  await db.schema.dropTable('cloud_messages').execute();
  await db.schema.dropTable('cloud_media').execute();
}
