/**
 * Full-text search over answers (the index the 2026120221 migration keeps in sync): a WHERE
 * condition on `answers` for SQLite FTS5 or PostgreSQL `tsvector`, behind one function.
 *
 * What a user typed is never handed to FTS5 or tsquery as syntax: it is cut into words here
 * (letters, marks, digits) and each word is quoted, so `NEAR(`, `*`, `"`, `OR`, `--` are text
 * that matches or does not, never an error. All words must occur (AND).
 * @module
 */
import { sql, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { isPostgres, type Db } from './database.ts';
import type { Database } from './schema.ts';

/** Words per query at most: a pasted paragraph is a search for its first words, not a slow query. */
const MAX_WORDS = 12;

/** Why a search string is not run. */
export type SearchRefusal = 'personal_detail';

export type ParsedSearch = { ok: true; words: string[] } | { ok: false; reason: SearchRefusal };

const EMAIL = /[^\s@]+@[^\s@]+\.[^\s@]+/u;
/** Seven or more digits in one run, allowing the separators people type in phone numbers. */
const PHONE = /\+?\d(?:[\s\-./()]*\d){6,}/u;

/**
 * The words of a search string, or a refusal when it looks like a phone number or an e-mail
 * address: searching for one would tell the searcher who said what.
 */
export function parseSearch(input: string): ParsedSearch {
  if (EMAIL.test(input) || PHONE.test(input)) return { ok: false, reason: 'personal_detail' };
  const words = (
    input
      .normalize('NFC')
      .toLowerCase()
      .match(/[\p{L}\p{M}\p{N}]+/gu) ?? []
  ).slice(0, MAX_WORDS);
  return { ok: true, words };
}

/** FTS5 query: every word a quoted string (a `"` inside doubled), joined by implicit AND. */
export const ftsQuery = (words: readonly string[]): string => words.map((w) => `"${w.replaceAll('"', '""')}"`).join(' ');

/**
 * `answers` narrowed to the rows whose text, transcript or a translation holds every word
 * (`words` not empty), as the FROM of a query that adds its own filters.
 *
 * SQLite: the FTS matches first, then their answers by rowid (CROSS JOIN fixes that order).
 * Left to itself the planner walks the pilot's index and probes the matches, which is
 * 250 ms for a word in 100 of a million answers instead of a few.
 */
export function answersMatching(db: Db, words: readonly string[]): SelectQueryBuilder<Database, 'answers', object> {
  if (isPostgres(db)) {
    // plainto_tsquery parses plain text (no operators) and ANDs its words.
    return db
      .selectFrom('answers')
      .where(
        (eb) =>
          sql<SqlBool>`${eb.ref('answers.id')} in (select s.answer_id from answers_search s where s.document @@ plainto_tsquery('simple', ${words.join(' ')}))`,
      );
  }
  const matches = sql<{ rid: number }>`(select rowid as rid from answers_fts where answers_fts match ${ftsQuery(words)})`.as('m');
  // The alias `m` is only joined on: to callers the query is over `answers`.
  return db.selectFrom(matches).crossJoin('answers').where(sql<SqlBool>`answers.rowid = m.rid`) as unknown as SelectQueryBuilder<Database, 'answers', object>;
}

/**
 * The same condition as {@link answersMatching}, but checked per answer row (a seek by rowid in
 * FTS5, a primary-key probe on PostgreSQL): for words so common that walking the pilot's
 * answers newest first finds a page, or the counting cap, after a few hundred rows.
 */
export function matchesRow(db: Db, words: readonly string[]): RawBuilder<SqlBool> {
  if (isPostgres(db))
    return sql<SqlBool>`exists (select 1 from answers_search s where s.answer_id = answers.id and s.document @@ plainto_tsquery('simple', ${words.join(' ')}))`;
  return sql<SqlBool>`exists (select 1 from answers_fts where answers_fts match ${ftsQuery(words)} and answers_fts.rowid = answers.rowid)`;
}

/**
 * How many answers (of every pilot) hold every word, counted up to `limit`: read off the index
 * alone, so it is cheap, and tells a rare search (fewer than `limit`) from a common one.
 */
export async function matchesUpTo(db: Db, words: readonly string[], limit: number): Promise<number> {
  const query = isPostgres(db)
    ? sql<{
        n: number | string;
      }>`select count(*) as n from (select 1 from answers_search where document @@ plainto_tsquery('simple', ${words.join(' ')}) limit ${limit}) m`
    : sql<{ n: number | string }>`select count(*) as n from (select rowid from answers_fts where answers_fts match ${ftsQuery(words)} limit ${limit})`;
  const { rows } = await query.execute(db);
  return Number(rows[0]?.n ?? 0);
}
