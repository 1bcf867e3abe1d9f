/**
 * WhatsApp (Baileys) login state, and identity links that join a person's phone-number JID
 * and LID into one respondent.
 *
 * The auth tables hold secrets that let anyone act as the bot's WhatsApp account: keep the
 * database file as private as the pseudonym secret.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // One row per login; the creds document is small and always read and written whole.
  await db.schema
    .createTable('whatsapp_creds')
    .addColumn('session', 'text', (c) => c.primaryKey())
    .addColumn('creds', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Signal keys, sessions, app-state keys, LID mappings, …: one row per (type, id), so that
  // Baileys' many small reads and writes touch only the rows they need.
  await db.schema
    .createTable('whatsapp_keys')
    .addColumn('session', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('whatsapp_keys_pk', ['session', 'type', 'id'])
    .execute();

  // No foreign key to respondents: the link is written first, to learn which respondent a
  // message belongs to, before that respondent's row exists. Erasure and the purge of
  // unconsented people delete links explicitly instead of by cascade.
  await db.schema
    .createTable('identity_links')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('alias_key', 'text', (c) => c.notNull())
    .addColumn('canonical_key', 'text', (c) => c.notNull())
    .addColumn('respondent_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_links_pk', ['channel', 'alias_key'])
    .execute();
  await db.schema.createIndex('identity_links_respondent').on('identity_links').column('respondent_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of ['identity_links', 'whatsapp_keys', 'whatsapp_creds']) {
    await db.schema.dropTable(t).execute();
  }
}
