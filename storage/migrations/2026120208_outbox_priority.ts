/**
 * Conversations before campaigns: each outbox row says whether it answers a respondent
 * (0: replies, reminders, notes, apologies) or comes from a campaign (1: invitations, results
 * messages, follow-up invitations). Delivery reads rows in (priority, created_at, position)
 * order, so a backlog of campaign messages never holds up a reply; the index follows that order.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('outbox')
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('outbox_send_order').on('outbox').columns(['priority', 'created_at', 'position']).execute();
  await db.schema.dropIndex('outbox_order').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_order').on('outbox').columns(['created_at', 'position']).execute();
  await db.schema.dropIndex('outbox_send_order').execute();
  await db.schema.alterTable('outbox').dropColumn('priority').execute();
}
