/**
 * `sessions.reminder_due_at`: when the session's next reminder (or its expiry) is due, written
 * with the session itself on every save, null when none is planned. A periodic sweep reads the
 * due ones through the index: reminder cost follows due reminders, not answers (issue 20;
 * before, every answer removed three delayed BullMQ jobs and added one).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('reminder_due_at', 'text').execute();
  await db.schema.createIndex('sessions_reminder_due').on('sessions').column('reminder_due_at').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('sessions_reminder_due').execute();
  await db.schema.alterTable('sessions').dropColumn('reminder_due_at').execute();
}
