/**
 * Dead letters: inbound messages that failed every attempt, parked so they stop blocking
 * the channel, with why they failed for admins. The same row counts the attempts while the
 * message is still failing (status 'failing'), so a redelivery after a crash keeps counting.
 * Keyed by the keyed-hash message key, never the address. Rows go with their respondent
 * (cascade), so erasure and the purge of the unconsented take them too.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('dead_letters')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('message_key', 'text', (c) => c.notNull())
    .addColumn('respondent_id', 'text', (c) => c.notNull().references('respondents.id').onDelete('cascade'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('layer', 'text', (c) => c.notNull())
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    // JSON of the message without its address (kind, text or button, time); null while failing.
    .addColumn('content', 'text')
    .addColumn('first_seen_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('parked_at', 'text')
    .addPrimaryKeyConstraint('dead_letters_pk', ['channel', 'message_key'])
    .execute();
  await db.schema.createIndex('dead_letters_status').on('dead_letters').columns(['status', 'last_seen_at']).execute();
  await db.schema.createIndex('dead_letters_respondent').on('dead_letters').column('respondent_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('dead_letters').execute();
}
