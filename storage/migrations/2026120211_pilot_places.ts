/**
 * Pilots carry a municipality (free text, optional) beside their organisation, so the
 * comparison across pilots and the pilots page can say where each pilot ran.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pilots').addColumn('municipality', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pilots').dropColumn('municipality').execute();
}
