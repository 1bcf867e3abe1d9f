/**
 * `consents.prompt_form`: how the question the person said yes or no to was put to them —
 * `text` (read), `audio` (heard) or `video` (watched). Someone who cannot read consents to
 * what they heard; the record says so. Rows from before are `text`: nothing else existed.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('consents')
    .addColumn('prompt_form', 'text', (c) => c.notNull().defaultTo('text'))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('consents').dropColumn('prompt_form').execute();
}
