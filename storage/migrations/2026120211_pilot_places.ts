/**
 * Pilots carry a municipality (free text, optional) beside their organisation, so the
 * comparison across pilots and the pilots page can say where each pilot ran.
 *
 * Also an index on answers (pilot_code, respondent_id): the wide export pages through a
 * pilot's respondents in id order, which without it is a scan of the whole pilot per page.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('pilots').addColumn('municipality', 'text').execute();
  await db.schema.createIndex('answers_pilot_respondent').on('answers').columns(['pilot_code', 'respondent_id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('answers_pilot_respondent').execute();
  await db.schema.alterTable('pilots').dropColumn('municipality').execute();
}
