/**
 * Pilots carry their own survey file and channels, so one running bot serves pilots with
 * different surveys (created by `stemmen pilot create`), not only the SURVEY_FILE one.
 * Sessions remember which reminders went out, so a reminder is sent at most once.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Null for pilots whose survey is SURVEY_FILE (the default pilot).
  await db.schema.alterTable('pilots').addColumn('survey_file', 'text').execute();
  // JSON array of channel names the pilot's links and QR codes are made for.
  await db.schema.alterTable('pilots').addColumn('channels', 'text', (c) => c.notNull().defaultTo('[]')).execute();
  // Reminders sent since revision `reminder_rev` (any activity bumps the revision and so
  // starts the count again), the total for the funnel, and when the session was closed.
  await db.schema.alterTable('sessions').addColumn('reminder_rev', 'integer').execute();
  await db.schema.alterTable('sessions').addColumn('reminder_step', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('reminded_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('sessions').addColumn('expired_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const c of ['expired_at', 'reminded_count', 'reminder_step', 'reminder_rev']) await db.schema.alterTable('sessions').dropColumn(c).execute();
  await db.schema.alterTable('pilots').dropColumn('channels').execute();
  await db.schema.alterTable('pilots').dropColumn('survey_file').execute();
}
