/**
 * Full-text search over what respondents said (issue 16): the typed text, the transcript and
 * every translation of an answer, kept in sync by triggers so no writer has to remember it.
 *
 * SQLite: a contentless FTS5 table (`contentless_delete=1`: rows can be deleted, no copy of the
 * text is kept) keyed by the answer's rowid; `unicode61 remove_diacritics 2` splits Arabic,
 * Persian, Ge'ez and Latin script on letters and folds é→e. PostgreSQL: a side table with a
 * `tsvector` under the 'simple' configuration (no stemming: one config for fourteen languages),
 * a GIN index, and ON DELETE CASCADE so erasure takes it with the answer.
 *
 * Translations are JSON text; a value that is not valid JSON is indexed without them rather
 * than failing the write (nothing a respondent sent may be lost over an index).
 * SQLite keys on the answers' rowid, which a VACUUM may renumber: the store never vacuums; a
 * tool that does must rerun this migration's backfill (delete from answers_fts, then insert).
 */
import { sql, SqliteAdapter, type Kysely } from 'kysely';

/** The searchable text of an answer row `r` (SQLite). */
const sqliteBody = (r: string) =>
  `coalesce(${r}.value_text, '') || ' ' || coalesce(${r}.transcript, '') || ' ' ||
   coalesce(case when json_valid(${r}.translations) and json_type(${r}.translations) = 'object'
     then (select group_concat(value, ' ') from json_each(${r}.translations) where type = 'text') end, '')`;

/** Whether row `r` has anything to index (scale and choice answers have not: they stay out of the index). */
const hasText = (r: string) => `(${r}.value_text is not null or ${r}.transcript is not null or ${r}.translations is not null)`;

async function upSqlite(db: Kysely<any>): Promise<void> {
  await sql.raw(`create virtual table answers_fts using fts5(body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2')`).execute(db);
  await sql
    .raw(`create trigger answers_fts_insert after insert on answers begin
    insert into answers_fts(rowid, body) values (new.rowid, ${sqliteBody('new')}); end`)
    .execute(db);
  await sql
    .raw(`create trigger answers_fts_update after update of value_text, transcript, translations on answers begin
    delete from answers_fts where rowid = old.rowid;
    insert into answers_fts(rowid, body) values (new.rowid, ${sqliteBody('new')}); end`)
    .execute(db);
  await sql
    .raw(`create trigger answers_fts_delete after delete on answers begin
    delete from answers_fts where rowid = old.rowid; end`)
    .execute(db);
  await sql.raw(`insert into answers_fts(rowid, body) select a.rowid, ${sqliteBody('a')} from answers a where ${hasText('a')}`).execute(db);
}

async function upPostgres(db: Kysely<any>): Promise<void> {
  await sql`create table answers_search (
    answer_id text primary key references answers(id) on delete cascade,
    document tsvector not null)`.execute(db);
  await sql`create index answers_search_document on answers_search using gin (document)`.execute(db);
  // Translations' values, or '' when the column is not a JSON object (never an error on write).
  await sql`create function answers_search_text(value_text text, transcript text, translations text) returns text
    language plpgsql immutable as $$
    declare extra text := '';
    begin
      if translations is not null then
        begin
          select coalesce(string_agg(v, ' '), '') into extra from jsonb_each_text(translations::jsonb) as t(k, v);
        exception when others then extra := '';
        end;
      end if;
      return coalesce(value_text, '') || ' ' || coalesce(transcript, '') || ' ' || extra;
    end $$`.execute(db);
  await sql`create function answers_search_sync() returns trigger language plpgsql as $$
    begin
      if not ${sql.raw(hasText('new'))} then
        delete from answers_search where answer_id = new.id;
        return null;
      end if;
      insert into answers_search (answer_id, document)
        values (new.id, to_tsvector('simple', answers_search_text(new.value_text, new.transcript, new.translations)))
        on conflict (answer_id) do update set document = excluded.document;
      return null;
    end $$`.execute(db);
  await sql`create trigger answers_search_insert after insert on answers for each row
    when ${sql.raw(hasText('new'))} execute function answers_search_sync()`.execute(db);
  await sql`create trigger answers_search_update after update of value_text, transcript, translations on answers
    for each row execute function answers_search_sync()`.execute(db);
  await sql`insert into answers_search (answer_id, document)
    select a.id, to_tsvector('simple', answers_search_text(a.value_text, a.transcript, a.translations)) from answers a
    where ${sql.raw(hasText('a'))}`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  if (db.getExecutor().adapter instanceof SqliteAdapter) await upSqlite(db);
  else await upPostgres(db);
  // The open-answers list without search words: a pilot's newest first, read off the index and stopped after a page.
  await db.schema.createIndex('answers_pilot_answered').on('answers').columns(['pilot_code', 'answered_at', 'id']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('answers_pilot_answered').ifExists().execute();
  if (db.getExecutor().adapter instanceof SqliteAdapter) {
    for (const t of ['answers_fts_insert', 'answers_fts_update', 'answers_fts_delete']) await sql.raw(`drop trigger if exists ${t}`).execute(db);
    await sql`drop table if exists answers_fts`.execute(db);
    return;
  }
  await sql`drop trigger if exists answers_search_insert on answers`.execute(db);
  await sql`drop trigger if exists answers_search_update on answers`.execute(db);
  await sql`drop function if exists answers_search_sync()`.execute(db);
  await sql`drop function if exists answers_search_text(text, text, text)`.execute(db);
  await sql`drop table if exists answers_search`.execute(db);
}
