/**
 * The map counts people, not answers (each respondent weighs one per indicator), so its
 * GROUP BY is (indicator, respondent). This index replaces `answers_traffic` with the same
 * columns plus `respondent_id` after the indicator: the map and the drill-down walk it in
 * order, filters included, without touching table rows, and a written answer still updates
 * one map index, as before.
 */
import type { Kysely } from 'kysely';

const COLUMNS = ['pilot_code', 'indicator', 'respondent_id', 'traffic_light', 'outcome', 'language', 'channel', 'answered_at'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('answers_traffic_people').on('answers').columns(COLUMNS).execute();
  await db.schema.dropIndex('answers_traffic').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createIndex('answers_traffic')
    .on('answers')
    .columns(['pilot_code', 'indicator', 'traffic_light', 'outcome', 'language', 'channel', 'answered_at'])
    .execute();
  await db.schema.dropIndex('answers_traffic_people').execute();
}
