/**
 * The inbound handler's per-answer statements on PostgreSQL as fixed SQL texts, run through
 * the transaction's own connection (`executeQuery` of a compiled query) instead of being built
 * by kysely's query builder each time: under the cost bench the builder and compiler of these
 * few statements were most of the bot's CPU per answer on PostgreSQL (issue 20's profile; the
 * answer upsert alone spread ~40 columns twice). The SQL is what kysely generated for the same
 * calls in store-tx.ts; SQLite has its own prepared copy (sqlite-hot-path.ts).
 *
 * Stateless: one instance serves every transaction; each call names the transaction it runs in.
 * @module
 */
import { CompiledQuery, type Kysely } from 'kysely';
import { type AnswerParam, type NewOutboxRow, type OutboxRecord, SESSION_SET, type SessionRow, upsertAnswerSqlWith } from './answer-params.ts';
import type { Database } from './schema.ts';

type Runner = Pick<Kysely<Database>, 'executeQuery'>;

const SQL = {
  lockRespondent: 'select pg_advisory_xact_lock(hashtext($1))',
  touchRespondent:
    'insert into "respondents" ("id", "created_at", "last_seen_at", "language") values ($1, $2, $2, null) on conflict ("id") do update set "last_seen_at" = $2 where "respondents"."last_seen_at" < $3',
  touchContact:
    'insert into "contacts" ("channel", "address", "respondent_id", "created_at", "updated_at") values ($1, $2, $3, $4, $4) ' +
    'on conflict ("channel", "address") do update set "updated_at" = $4, "respondent_id" = $3, "unreachable_since" = null ' +
    'where "contacts"."updated_at" < $5 or "contacts"."respondent_id" <> $3 or "contacts"."unreachable_since" is not null',
  // One statement for both touches and the claim (see touchAndClaim). Data-modifying WITH parts
  // run to completion whether or not the main statement reads them; the row count is the claim's.
  touchAndClaim:
    'with "r" as (insert into "respondents" ("id", "created_at", "last_seen_at", "language") values ($1, $2, $2, null) ' +
    'on conflict ("id") do update set "last_seen_at" = $2 where "respondents"."last_seen_at" < $3), ' +
    '"c" as (insert into "contacts" ("channel", "address", "respondent_id", "created_at", "updated_at") values ($4, $5, $1, $2, $2) ' +
    'on conflict ("channel", "address") do update set "updated_at" = $2, "respondent_id" = $1, "unreachable_since" = null ' +
    'where "contacts"."updated_at" < $3 or "contacts"."respondent_id" <> $1 or "contacts"."unreachable_since" is not null) ' +
    'insert into "inbox" ("channel", "message_key", "respondent_id", "received_at") values ($4, $6, $1, $2) on conflict ("channel", "message_key") do nothing',
  claimMessage:
    'insert into "inbox" ("channel", "message_key", "respondent_id", "received_at") values ($1, $2, $3, $4) on conflict ("channel", "message_key") do nothing',
  findSession: 'select "id", "pilot_code", "revision", "state", "wave" from "sessions" where "respondent_id" = $1 order by "updated_at" desc limit 1',
  findPilotSession:
    'select "id", "pilot_code", "revision", "state", "wave" from "sessions" where "respondent_id" = $1 and "pilot_code" = $2 order by "updated_at" desc limit 1',
  pendingForAddress: 'select * from "outbox" where "channel" = $1 and "address" = $2 order by "priority", "created_at", "position" limit $3',
  deleteOutbox: 'delete from "outbox" where "id" = any($1)',
  upsertAnswer: upsertAnswerSqlWith((i) => `$${i + 1}`),
} as const;

/** Rows per outbox insert: a campaign's batch goes in statements of this many rows (8 parameters each). */
const OUTBOX_ROWS_PER_INSERT = 100;

/**
 * One address's rows placed and inserted in one statement: after the address's latest queued
 * row when that one sorts at or after the first new row (StoreTx.enqueueOutbound says why),
 * else as given. $1 channel, $2 address, $3/$4 the first row's created_at/position, then six
 * parameters per row.
 */
const placedInserts = new Map<number, string>();
function placedInsert(rows: number): string {
  let sql = placedInserts.get(rows);
  if (!sql) {
    const values = Array.from({ length: rows }, (_, r) => {
      const p = (c: number) => `$${5 + r * 6 + c}`;
      return `(${p(0)}::text, ${p(1)}::text, ${p(2)}::text, ${p(3)}::text, ${p(4)}::int, ${p(5)}::int, ${r + 1})`;
    });
    sql =
      'with "last" as (select "created_at", "position" from "outbox" where "channel" = $1 and "address" = $2 order by "created_at" desc, "position" desc limit 1), ' +
      '"after" as (select "created_at", "position" from "last" where "created_at" > $3 or ("created_at" = $3 and "position" >= $4::int)) ' +
      'insert into "outbox" ("id", "respondent_id", "channel", "address", "payload", "created_at", "position", "attempts", "last_error", "priority") ' +
      'select "v"."id", "v"."respondent_id", $1, $2, "v"."payload", coalesce("a"."created_at", "v"."created_at"), coalesce("a"."position" + "v"."n", "v"."position"), 0, null, "v"."priority" ' +
      `from (values ${values.join(', ')}) as "v" ("id", "respondent_id", "payload", "created_at", "position", "priority", "n") left join "after" as "a" on true`;
    placedInserts.set(rows, sql);
  }
  return sql;
}

const sessionUpdate = (withReminder: boolean) => {
  const columns = [...(withReminder ? ['reminder_due_at'] : []), ...SESSION_SET];
  return `update "sessions" set ${columns.map((c, i) => `"${c}" = $${i + 1}`).join(', ')} where "id" = $${columns.length + 1} and "revision" = $${columns.length + 2}`;
};
const SESSION_UPDATE = { withReminder: sessionUpdate(true), without: sessionUpdate(false) };

async function rows<R>(on: Runner, sql: string, params: readonly unknown[]): Promise<R[]> {
  return (await on.executeQuery<R>(CompiledQuery.raw(sql, [...params]))).rows;
}

async function changed(on: Runner, sql: string, params: readonly unknown[]): Promise<number> {
  return Number((await on.executeQuery(CompiledQuery.raw(sql, [...params]))).numAffectedRows ?? 0);
}

export class PostgresHotPath {
  /** A transaction-scoped advisory lock on the respondent (see StoreTx.lockRespondent). */
  async lockRespondent(on: Runner, respondentId: string): Promise<void> {
    await rows(on, SQL.lockRespondent, [respondentId]);
  }

  /** `stale`: rows touched at or after it are left alone (see StoreTx.touchRespondent). */
  async touchRespondent(on: Runner, id: string, channel: string, address: string, now: string, stale: string): Promise<void> {
    await changed(on, SQL.touchRespondent, [id, now, stale]);
    await changed(on, SQL.touchContact, [channel, address, id, now, stale]);
  }

  /** touchRespondent and claimMessage in one round trip; true when the message is new. */
  async touchAndClaim(on: Runner, id: string, channel: string, address: string, key: string, now: string, stale: string): Promise<boolean> {
    return (await changed(on, SQL.touchAndClaim, [id, now, stale, channel, address, key])) > 0;
  }

  async claimMessage(on: Runner, channel: string, key: string, respondentId: string, now: string): Promise<boolean> {
    return (await changed(on, SQL.claimMessage, [channel, key, respondentId, now])) > 0;
  }

  async findSession(on: Runner, respondentId: string, pilotCode?: string): Promise<SessionRow | undefined> {
    const found = pilotCode
      ? await rows<SessionRow>(on, SQL.findPilotSession, [respondentId, pilotCode])
      : await rows<SessionRow>(on, SQL.findSession, [respondentId]);
    return found[0];
  }

  /** Updates a session at `expected` revision; false when it changed meanwhile. `set` in SESSION_SET order, `reminder_due_at` first when present. */
  async updateSession(on: Runner, id: string, expected: number, set: Record<string, string | number | null>): Promise<boolean> {
    const withReminder = 'reminder_due_at' in set;
    const values = [...(withReminder ? [set.reminder_due_at] : []), ...SESSION_SET.map((c) => set[c] ?? null), id, expected];
    return (await changed(on, withReminder ? SESSION_UPDATE.withReminder : SESSION_UPDATE.without, values)) === 1;
  }

  /** `values` from answerParams (answer-params.ts). */
  async upsertAnswer(on: Runner, values: AnswerParam[]): Promise<{ id: string; revision: number }> {
    const [row] = await rows<{ id: string; revision: number }>(on, SQL.upsertAnswer, values);
    if (!row) throw new Error('the answer upsert returned no row');
    return row;
  }

  /**
   * Places and inserts one address's rows, OUTBOX_ROWS_PER_INSERT per round trip (see
   * placedInsert). A later part lands after the earlier one, as one batch placed together would.
   */
  async placeOutbox(on: Runner, rows: readonly NewOutboxRow[]): Promise<void> {
    for (let at = 0; at < rows.length; at += OUTBOX_ROWS_PER_INSERT) {
      const part = rows.slice(at, at + OUTBOX_ROWS_PER_INSERT);
      const first = part[0]!;
      const params: unknown[] = [first.channel, first.address, first.created_at, first.position];
      for (const r of part) params.push(r.id, r.respondent_id, r.payload, r.created_at, r.position, r.priority);
      await changed(on, placedInsert(part.length), params);
    }
  }

  /** An address's undelivered rows in send order. */
  pendingForAddress(on: Runner, channel: string, address: string, limit: number): Promise<OutboxRecord[]> {
    return rows<OutboxRecord>(on, SQL.pendingForAddress, [channel, address, limit]);
  }

  async deleteOutbox(on: Runner, ids: readonly string[]): Promise<void> {
    await changed(on, SQL.deleteOutbox, [ids]);
  }
}
