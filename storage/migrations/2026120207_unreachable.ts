/**
 * `contacts.unreachable_since`: set when the channel said the address cannot be reached any
 * more (Telegram: the person blocked the bot, or their account is gone), cleared when the
 * person writes again or unblocks. Reminders, campaigns and follow-up invitations skip such
 * an address; it lives on the contact because that is where the address is (never in answers).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('unreachable_since', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('unreachable_since').execute();
}
