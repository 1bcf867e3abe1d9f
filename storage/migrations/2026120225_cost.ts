/**
 * Cost per answer (issue 20): the full-text index is written only for answers with text.
 * 2026120221_answer_search's SQLite insert trigger indexed every answer, so each scale or
 * choice tap also wrote an empty FTS5 document (its docsize row and the index's totals); and
 * on both databases answering a tapped question again ran the update trigger. Now the
 * triggers fire only when the old or the new row has text, and the empty documents already
 * written are removed. What is searchable does not change.
 *
 * The document body is the one 2026120221 indexes (repeated here: a migration stays as it was run).
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

const sqliteBody = (r: string) =>
  `coalesce(${r}.value_text, '') || ' ' || coalesce(${r}.transcript, '') || ' ' ||
   coalesce(case when json_valid(${r}.translations) and json_type(${r}.translations) = 'object'
     then (select group_concat(value, ' ') from json_each(${r}.translations) where type = 'text') end, '')`;

const hasText = (r: string) => `(${r}.value_text is not null or ${r}.transcript is not null or ${r}.translations is not null)`;

async function sqliteTriggers(db: Kysely<any>, onlyWithText: boolean): Promise<void> {
  for (const t of ['answers_fts_insert', 'answers_fts_update']) await sql.raw(`drop trigger if exists ${t}`).execute(db);
  const insertWhen = onlyWithText ? `when ${hasText('new')}` : '';
  const updateWhen = onlyWithText ? `when ${hasText('old')} or ${hasText('new')}` : '';
  const newBody = onlyWithText
    ? `insert into answers_fts(rowid, body) select new.rowid, ${sqliteBody('new')} where ${hasText('new')};`
    : `insert into answers_fts(rowid, body) values (new.rowid, ${sqliteBody('new')});`;
  await sql
    .raw(`create trigger answers_fts_insert after insert on answers ${insertWhen} begin
    insert into answers_fts(rowid, body) values (new.rowid, ${sqliteBody('new')}); end`)
    .execute(db);
  await sql
    .raw(`create trigger answers_fts_update after update of value_text, transcript, translations on answers ${updateWhen} begin
    delete from answers_fts where rowid = old.rowid;
    ${newBody} end`)
    .execute(db);
}

async function postgresUpdateTrigger(db: Kysely<any>, onlyWithText: boolean): Promise<void> {
  await sql`drop trigger if exists answers_search_update on answers`.execute(db);
  const when = onlyWithText ? sql.raw(`when (${hasText('old')} or ${hasText('new')})`) : sql.raw('');
  await sql`create trigger answers_search_update after update of value_text, transcript, translations on answers
    for each row ${when} execute function answers_search_sync()`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sqliteTriggers(db, true);
    await sql.raw(`delete from answers_fts where rowid in (select a.rowid from answers a where not ${hasText('a')})`).execute(db);
  } else {
    await postgresUpdateTrigger(db, true);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    await sqliteTriggers(db, false);
    await sql.raw(`insert into answers_fts(rowid, body) select a.rowid, ${sqliteBody('a')} from answers a where not ${hasText('a')}`).execute(db);
  } else {
    await postgresUpdateTrigger(db, false);
  }
}
