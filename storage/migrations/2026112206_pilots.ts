/**
 * Pilots carry their own survey file and channels, so one running bot serves pilots with
 * different surveys (created by `stemmen pilot create`), not only the SURVEY_FILE one.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // Null for pilots whose survey is SURVEY_FILE (the default pilot).
  await db.schema.alterTable('pilots').addColumn('survey_file', 'text').execute();
  // JSON array of channel names the pilot's links and QR codes are made for.
  await db.schema.alterTable('pilots').addColumn('channels', 'text', (c) => c.notNull().defaultTo('[]')).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pilots').dropColumn('channels').execute();
  await db.schema.alterTable('pilots').dropColumn('survey_file').execute();
}
