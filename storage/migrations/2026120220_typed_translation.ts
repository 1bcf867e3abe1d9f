/**
 * Typed answers are translated too (workers/translate/): their `translation_status` goes
 * pending → ready/failed/skipped like a transcript's. The sweeper looks for typed answers still
 * pending after their job went missing; this partial index holds only those rows, so the look-up
 * stays small however many answers a pilot has. No columns change: the translation sits in the
 * existing `translations` JSON beside the original.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('answers_translation_pending').on('answers').column('answered_at').where(sql.ref('translation_status'), '=', 'pending').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('answers_translation_pending').execute();
}
