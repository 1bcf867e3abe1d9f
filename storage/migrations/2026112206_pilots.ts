/**
 * Pilots carry their own survey file and channels, so one running bot serves pilots with
 * different surveys (created by `stemmen pilot create`), not only the SURVEY_FILE one.
 * Sessions remember which reminders went out, so a reminder is sent at most once.
 * Campaigns (invitations, results sent back) keep one row per person they reach, keyed by a
 * keyed hash: running a campaign twice never messages anyone twice, and no number is kept here.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Null for pilots whose survey is SURVEY_FILE (the default pilot).
  await db.schema.alterTable('pilots').addColumn('survey_file', 'text').execute();
  // JSON array of channel names the pilot's links and QR codes are made for.
  await db.schema
    .alterTable('pilots')
    .addColumn('channels', 'text', (c) => c.notNull().defaultTo('[]'))
    .execute();
  // Reminders sent since revision `reminder_rev` (any activity bumps the revision and so
  // starts the count again), the total for the funnel, and when the session was closed.
  await db.schema.alterTable('sessions').addColumn('reminder_rev', 'integer').execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('reminder_step', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .alterTable('sessions')
    .addColumn('reminded_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('sessions').addColumn('expired_at', 'text').execute();

  await db.schema
    .createTable('campaigns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pilot_code', 'text', (c) => c.notNull().references('pilots.code').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    // JSON: language → the rendered message (rendered once by the command that plans the campaign).
    .addColumn('texts', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('campaign_targets')
    .addColumn('campaign_id', 'text', (c) => c.notNull().references('campaigns.id').onDelete('cascade'))
    .addColumn('target_key', 'text', (c) => c.notNull())
    .addColumn('language', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('planned_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .addPrimaryKeyConstraint('campaign_targets_pk', ['campaign_id', 'target_key'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('campaign_targets').execute();
  await db.schema.dropTable('campaigns').execute();
  for (const c of ['expired_at', 'reminded_count', 'reminder_step', 'reminder_rev']) await db.schema.alterTable('sessions').dropColumn(c).execute();
  await db.schema.alterTable('pilots').dropColumn('channels').execute();
  await db.schema.alterTable('pilots').dropColumn('survey_file').execute();
}
