/**
 * The blind-spot workshop (issue 17, seed 000): one per organisation, saved in versions that
 * are never overwritten. A version is a whole snapshot: each member's colour and note per
 * indicator and the team's reflection cards, so an old version opens exactly as it was.
 * Planned expertpools are what the team decided to do about a red or orange indicator.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('workshops')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('organisation_id', 'text', (c) => c.notNull().unique().references('organisations.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('workshop_versions')
    .addColumn('workshop_id', 'text', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('saved_at', 'text', (c) => c.notNull())
    // The email of the staff member who saved (a colleague, never a respondent).
    .addColumn('saved_by', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('workshop_versions_pk', ['workshop_id', 'version'])
    .execute();

  await db.schema
    .createTable('workshop_entries')
    .addColumn('workshop_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('member', 'text', (c) => c.notNull())
    // red | orange | green: how much the member knows of newcomers' experience here.
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('workshop_entries_pk', ['workshop_id', 'version', 'indicator', 'member'])
    .addForeignKeyConstraint('workshop_entries_version', ['workshop_id', 'version'], 'workshop_versions', ['workshop_id', 'version'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('workshop_cards')
    .addColumn('workshop_id', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull())
    // "What do we know already?" and "is that an assumption, where does it come from?"
    .addColumn('known', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('known_source', 'text', (c) => c.notNull().defaultTo(''))
    // "What don't we know?" and "is it important, how could we find out?"
    .addColumn('unknown', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('unknown_how', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('workshop_cards_pk', ['workshop_id', 'version', 'indicator'])
    .addForeignKeyConstraint('workshop_cards_version', ['workshop_id', 'version'], 'workshop_versions', ['workshop_id', 'version'], (fk) =>
      fk.onDelete('cascade'),
    )
    .execute();

  await db.schema
    .createTable('workshop_expertpools')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('workshop_id', 'text', (c) => c.notNull().references('workshops.id').onDelete('cascade'))
    // The version whose map the plan was made from.
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('indicator', 'text', (c) => c.notNull())
    .addColumn('colour', 'text', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('planned_at', 'text', (c) => c.notNull())
    .addColumn('planned_by', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('workshop_expertpools_workshop').on('workshop_expertpools').columns(['workshop_id', 'indicator']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('workshop_expertpools').execute();
  await db.schema.dropTable('workshop_cards').execute();
  await db.schema.dropTable('workshop_entries').execute();
  await db.schema.dropTable('workshop_versions').execute();
  await db.schema.dropTable('workshops').execute();
}
