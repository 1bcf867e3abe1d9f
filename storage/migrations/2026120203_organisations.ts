/**
 * Organisations (a municipality, an NGO) own pilots; dashboard users are members of one or
 * more organisations with a role there. An upgrade keeps working: every existing pilot goes
 * to a "default" organisation and every existing user becomes a member of it with the role
 * they had. Users with role admin keep seeing every organisation.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('organisations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.insertInto('organisations').values({ id: 'default', name: 'Default organisation', created_at: new Date().toISOString() }).execute();
  // No REFERENCES here: SQLite cannot add a foreign-key column with a non-null default; the repository checks it.
  await db.schema
    .alterTable('pilots')
    .addColumn('organisation_id', 'text', (c) => c.notNull().defaultTo('default'))
    .execute();
  await db.schema
    .createTable('memberships')
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('organisation_id', 'text', (c) => c.notNull().references('organisations.id').onDelete('cascade'))
    .addColumn('role', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('memberships_pk', ['user_id', 'organisation_id'])
    .execute();
  await sql`insert into memberships (user_id, organisation_id, role) select id, 'default', role from users`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('memberships').execute();
  await db.schema.alterTable('pilots').dropColumn('organisation_id').execute();
  await db.schema.dropTable('organisations').execute();
}
