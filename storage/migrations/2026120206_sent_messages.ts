/**
 * What the WhatsApp channel sent, for a few days: when a recipient's phone cannot decrypt a
 * message it asks for it again (a retry receipt), and Baileys can only resend what it gets
 * back from `getMessage`. Keyed by the WhatsApp message id; the content is the encoded
 * protobuf message (text and media references, never media bytes) and holds no address.
 * `respondent_id` is there only so erasure and the purge of unconsented people remove the
 * rows by cascade; null for messages to someone who is no respondent (any more).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sent_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('respondent_id', 'text', (c) => c.references('respondents.id').onDelete('cascade'))
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sent_messages_created').on('sent_messages').column('created_at').execute();
  await db.schema.createIndex('sent_messages_respondent').on('sent_messages').column('respondent_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('sent_messages').execute();
}
