/**
 * Breakdown by group: the respondents' groups for one background question, as SQL the
 * report queries join on `respondent_id`, so a split stays one GROUP BY and no rows travel to Node.
 *
 * A respondent's group is their latest answer to the background question in that pilot (latest
 * `answered_at`, then highest `revision`). No answer, a skip or "prefer not to say" puts them in
 * {@link NOT_ANSWERED}. A multi-choice answer puts the person in every group they chose: they
 * count once in each, so the cells of such a split can add up to more than the total.
 * Portable SQL only (SQLite and PostgreSQL): group membership is a LIKE on the stored JSON list.
 * @module
 */
import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { Database } from './schema.ts';

/** The group of people without a usable answer to the background question. */
export const NOT_ANSWERED = 'not_answered';
/** Choice ids of "prefer not to say" (the bank's, and the short form): counted as not answered. */
export const PREFER_NOT_IDS: readonly string[] = ['prefer_not_to_say', 'prefer_not'];
export const isPreferNot = (id: string): boolean => PREFER_NOT_IDS.includes(id);

/** Split by a background question into one cell per value (its choice ids; "prefer not to say" is dropped). */
export interface Split {
  question: string;
  values: readonly string[];
}

/** Only the people in one group of a background question (a choice id, or {@link NOT_ANSWERED}). */
export interface GroupFilter {
  question: string;
  value: string;
}

/** `%"id"%` with LIKE's wildcards escaped: choice ids may hold `_`. */
const pattern = (id: string) => `%"${id.replace(/[\\%_]/g, (c) => `\\${c}`)}"%`;

/** Each respondent's latest, not skipped answer to the question in the pilot (respondent_id, value_choices). */
function latest(pilot: string, question: string): RawBuilder<unknown> {
  return sql`select a.respondent_id, a.value_choices from answers a
    where a.pilot_code = ${pilot} and a.question_id = ${question} and a.skipped = 0
    and not exists (select 1 from answers b where b.pilot_code = a.pilot_code and b.question_id = a.question_id
      and b.respondent_id = a.respondent_id
      and (b.answered_at > a.answered_at or (b.answered_at = a.answered_at and b.revision > a.revision)))`;
}

/** (respondent_id, grp) for every group a respondent is in; people not in any group have no row. */
export function groupMembers(pilot: string, split: Split): RawBuilder<{ respondent_id: string; grp: string }> {
  const values = split.values.filter((v) => !isPreferNot(v) && v !== NOT_ANSWERED);
  // An empty list of values still needs a derived table with the right columns: one that matches nothing.
  const rows = values.length
    ? sql.join(
        values.map((v) => sql`select cast(${v} as varchar(200)) as grp, cast(${pattern(v)} as varchar(210)) as pat`),
        sql` union all `,
      )
    : sql`select cast('' as varchar(200)) as grp, cast('' as varchar(210)) as pat where 1 = 0`;
  return sql<{ respondent_id: string; grp: string }>`(select l.respondent_id as respondent_id, c.grp as grp
    from (${latest(pilot, split.question)}) l inner join (${rows}) c on l.value_choices like c.pat escape '\\')`;
}

/** A WHERE condition on `answers.respondent_id`: the respondent is in the group. */
export function inGroup(eb: ExpressionBuilder<Database, 'answers'>, pilot: string, g: GroupFilter): Expression<SqlBool> {
  if (g.value !== NOT_ANSWERED) {
    return sql<SqlBool>`${eb.ref('answers.respondent_id')} in (select l.respondent_id from (${latest(pilot, g.question)}) l where l.value_choices like ${pattern(g.value)} escape '\\')`;
  }
  // Not answered: no latest answer that names anything but "prefer not to say".
  return sql<SqlBool>`${eb.ref('answers.respondent_id')} not in (select l.respondent_id from (${latest(pilot, g.question)}) l
    where l.value_choices is not null and l.value_choices not in (${sql.join(PREFER_NOT_IDS.map((id) => JSON.stringify([id])))}))`;
}

/** A group id from SQL (null where the left join found no group). */
export const groupOf = (g: string | null): string => g ?? NOT_ANSWERED;
