/**
 * Cost per answer (issue 20): an address's undelivered replies are read by (channel, address)
 * after every answer, in send order, but the outbox had no index on the address, so each read
 * scanned every undelivered row: 23 µs per answer with 200 people answering at once, and
 * O(backlog) while a campaign's thousands of invitations wait. The index holds the address
 * and the send order, so that read (and marking an address unreachable) finds only its rows.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('outbox_address').on('outbox').columns(['channel', 'address', 'priority', 'created_at', 'position']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('outbox_address').execute();
}
