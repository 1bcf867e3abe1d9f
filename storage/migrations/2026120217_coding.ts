/**
 * Qualitative coding of open answers (issue 16): a codebook per pilot, the codes assigned to
 * answers (several per answer), quotes a researcher marked shareable for viewers, and an audit
 * of every change (who, when, what).
 *
 * Assignments and shareable marks hang on the answer with ON DELETE CASCADE, so erasing a
 * respondent (which deletes their answers) takes their codes and quotes with it. The audit
 * keeps the code and the action but no text of the answer: it outlives an erasure without
 * keeping what the person said.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pilot_code', 'text', (c) => c.notNull().references('pilots.code').onDelete('cascade'))
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // Optional: a code that belongs to one indicator's answers (null: any indicator).
    .addColumn('indicator', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    // A retired code keeps its assignments (the coding history stays readable) but takes no new ones.
    .addColumn('retired_at', 'text')
    .addUniqueConstraint('codes_pilot_label', ['pilot_code', 'label'])
    .execute();

  await db.schema
    .createTable('answer_codes')
    .addColumn('answer_id', 'text', (c) => c.notNull().references('answers.id').onDelete('cascade'))
    .addColumn('code_id', 'text', (c) => c.notNull().references('codes.id').onDelete('cascade'))
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('assigned_at', 'text', (c) => c.notNull())
    .addColumn('assigned_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('answer_codes_pk', ['answer_id', 'code_id'])
    .execute();
  await db.schema.createIndex('answer_codes_code').on('answer_codes').columns(['code_id', 'answer_id']).execute();
  await db.schema.createIndex('answer_codes_pilot').on('answer_codes').columns(['pilot_code']).execute();

  await db.schema
    .createTable('shared_quotes')
    .addColumn('answer_id', 'text', (c) => c.primaryKey().references('answers.id').onDelete('cascade'))
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('marked_at', 'text', (c) => c.notNull())
    .addColumn('marked_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shared_quotes_pilot').on('shared_quotes').columns(['pilot_code']).execute();

  await db.schema
    .createTable('coding_audit')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('pilot_code', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text', (c) => c.notNull())
    // code.create | code.update | code.retire | code.restore | answer.code | answer.uncode | quote.share | quote.unshare
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('code_id', 'text')
    .addColumn('answer_id', 'text')
    // JSON with what changed (labels, descriptions): never the answer's text.
    .addColumn('detail', 'text', (c) => c.notNull().defaultTo('{}'))
    .execute();
  await db.schema.createIndex('coding_audit_pilot_at').on('coding_audit').columns(['pilot_code', 'at']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('coding_audit').execute();
  await db.schema.dropTable('shared_quotes').execute();
  await db.schema.dropTable('answer_codes').execute();
  await db.schema.dropTable('codes').execute();
}
