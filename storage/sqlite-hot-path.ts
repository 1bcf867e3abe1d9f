/**
 * The inbound handler's per-answer statements on SQLite, prepared once and run on the
 * better-sqlite3 connection directly: building and compiling each through kysely cost more
 * CPU than SQLite spent running it (issue 20's profile). The SQL is what kysely generated for
 * the same calls in store-tx.ts, which stays the one path on PostgreSQL.
 *
 * Only used inside a transaction of the store's group commit: that transaction holds the one
 * connection, and these calls are synchronous, so they run in its savepoint, in the order the
 * caller awaits them, and nothing else can interleave.
 * @module
 */
import type SQLite from 'better-sqlite3';
import { type AnswerParam, type NewOutboxRow, type OutboxRecord, SESSION_SET, type SessionRow, upsertAnswerSqlWith } from './answer-params.ts';

const SQL = {
  touchRespondent:
    'insert into "respondents" ("id", "created_at", "last_seen_at", "language") values (@id, @now, @now, null) on conflict ("id") do update set "last_seen_at" = @now where "respondents"."last_seen_at" < @stale',
  touchContact:
    'insert into "contacts" ("channel", "address", "respondent_id", "created_at", "updated_at") values (@channel, @address, @id, @now, @now) ' +
    'on conflict ("channel", "address") do update set "updated_at" = @now, "respondent_id" = @id, "unreachable_since" = null ' +
    'where "contacts"."updated_at" < @stale or "contacts"."respondent_id" <> @id or "contacts"."unreachable_since" is not null',
  claimMessage:
    'insert into "inbox" ("channel", "message_key", "respondent_id", "received_at") values (@channel, @key, @respondentId, @now) on conflict ("channel", "message_key") do nothing',
  findSession: 'select "id", "pilot_code", "revision", "state", "wave" from "sessions" where "respondent_id" = ? order by "updated_at" desc limit 1',
  findPilotSession:
    'select "id", "pilot_code", "revision", "state", "wave" from "sessions" where "respondent_id" = ? and "pilot_code" = ? order by "updated_at" desc limit 1',
  insertOutbox:
    'insert into "outbox" ("id", "respondent_id", "channel", "address", "payload", "created_at", "position", "attempts", "last_error", "priority") ' +
    'values (@id, @respondent_id, @channel, @address, @payload, @created_at, @position, 0, null, @priority)',
  deleteOutbox: 'delete from "outbox" where "id" = ?',
  pendingForAddress: 'select * from "outbox" where "channel" = ? and "address" = ? order by "priority", "created_at", "position" limit ?',
} as const;

// Positional parameters (answerParams' order): binding 43 named ones looks each name up on the row object.
const upsertAnswerSql = upsertAnswerSqlWith(() => '?');

const sessionUpdate = (withReminder: boolean) =>
  `update "sessions" set ${[...(withReminder ? ['reminder_due_at'] : []), ...SESSION_SET].map((c) => `"${c}" = @${c}`).join(', ')} where "id" = @id and "revision" = @expected`;
const SESSION_UPDATE = { withReminder: sessionUpdate(true), without: sessionUpdate(false) };

export class SqliteHotPath {
  private readonly statements = new Map<string, SQLite.Statement>();

  constructor(private readonly database: SQLite.Database) {}

  /** Prepared on first use, so a store opened before its migrations ran still works. */
  private st(source: string): SQLite.Statement {
    let s = this.statements.get(source);
    if (!s) {
      s = this.database.prepare(source);
      this.statements.set(source, s);
    }
    return s;
  }

  /** `stale`: rows touched at or after it are left alone (see StoreTx.touchRespondent). */
  touchRespondent(id: string, channel: string, address: string, now: string, stale: string): void {
    this.st(SQL.touchRespondent).run({ id, now, stale });
    this.st(SQL.touchContact).run({ channel, address, id, now, stale });
  }

  claimMessage(channel: string, key: string, respondentId: string, now: string): boolean {
    return this.st(SQL.claimMessage).run({ channel, key, respondentId, now }).changes > 0;
  }

  findSession(respondentId: string, pilotCode?: string): SessionRow | undefined {
    return (pilotCode ? this.st(SQL.findPilotSession).get(respondentId, pilotCode) : this.st(SQL.findSession).get(respondentId)) as SessionRow | undefined;
  }

  /**
   * The state text this process last wrote per session (bounded): reading back exactly that
   * text needs no schema check again (the check was ~2 % of the bot's time under the cost bench). A
   * rolled-back write leaves another text in the row, which is then checked as usual.
   */
  private readonly written = new Map<string, string>();

  /** True when `state` is what this process itself last wrote for session `id`. */
  wroteState(id: string, state: string): boolean {
    return this.written.get(id) === state;
  }

  /** Updates a session at `expected` revision; false when it changed meanwhile. */
  updateSession(id: string, expected: number, set: Record<string, string | number | null>): boolean {
    const ok = this.st('reminder_due_at' in set ? SESSION_UPDATE.withReminder : SESSION_UPDATE.without).run({ ...set, id, expected }).changes === 1;
    if (ok && typeof set.state === 'string') {
      this.written.delete(id);
      if (this.written.size >= 5_000) this.written.delete(this.written.keys().next().value!);
      this.written.set(id, set.state);
    }
    return ok;
  }

  /** `values` from answerParams (answer-params.ts). */
  upsertAnswer(values: AnswerParam[]): { id: string; revision: number } {
    return this.st(upsertAnswerSql).get(values) as { id: string; revision: number };
  }

  insertOutbox(row: NewOutboxRow): void {
    this.st(SQL.insertOutbox).run(row);
  }

  /**
   * An address's undelivered rows, read outside any transaction; null while one is open
   * (a batch of the group commit), whose uncommitted rows this read would see: the caller
   * then waits its turn for the connection through kysely.
   */
  pendingForAddress(channel: string, address: string, limit: number): OutboxRecord[] | null {
    if (this.database.inTransaction) return null;
    return this.st(SQL.pendingForAddress).all(channel, address, limit) as OutboxRecord[];
  }

  deleteOutbox(ids: readonly string[]): void {
    const del = this.st(SQL.deleteOutbox);
    for (const id of ids) del.run(id);
  }
}
