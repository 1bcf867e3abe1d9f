/**
 * The store of the inbound use case: `transaction` hands out a {@link StoreTx} (its writes,
 * in storage/store-tx.ts), plus the outbox as delivery reads it, identities and purges.
 *
 * Domain objects in, rows out of sight: callers pass engine effects and session state; the
 * mapping to columns (JSON as text, booleans as 0/1) stays here.
 * @module
 */
import { sql, type Transaction } from 'kysely';
import { ConcurrentUpdateError, StoreTx, type StoredSession } from './store-tx.ts';
import { isPostgres, sqliteConnectionOf, type Db } from './database.ts';
import { GroupCommit } from './group-commit.ts';
import { SqliteHotPath } from './sqlite-hot-path.ts';
import { PostgresHotPath } from './postgres-hot-path.ts';
import { ContactRetention } from './contact-retention.ts';
import { PilotRepository } from './pilots.ts';
import { SentMessages } from './sent-messages.ts';
import { Reachability, type UnreachableResult } from './reachability.ts';
import type { Database } from './schema.ts';
import { PRIORITY_RANK, type SendPriority } from './send-priority.ts';

/** kysely's transaction: private to storage/ (callers get StoreTx and its repositories). */
type Tx = Transaction<Database>;

export interface OutboundRow {
  id: string;
  respondentId: string | null;
  channel: string;
  address: string;
  payload: unknown;
  attempts: number;
  priority: SendPriority;
}

/** First key of the outbox's two-key advisory locks (any fixed number; it names the use). */
const OUTBOX_LOCK_CLASS = 8001;

/** The outbox operations of one delivery run. */
export interface OutboxAccess {
  pendingOutbound(filter?: { respondentId?: string; address?: { channel: string; address: string } }, limit?: number): Promise<OutboundRow[]>;
  markDelivered(ids: readonly string[]): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  /** The channel said the address cannot be reached: drops all its rows, marks the contact, counts it (storage/reachability.ts). */
  markUnreachable(channel: string, address: string, now: string): Promise<UnreachableResult>;
}

const PG_HOT_PATH = new PostgresHotPath();

export class Store implements OutboxAccess {
  /** PostgreSQL: several processes may share the database, so cross-process locks are taken. */
  readonly shared: boolean;
  /** Pilots are read and written only through their repository. */
  readonly pilots: PilotRepository;
  /** Addresses kept only while needed; the scheduled sweep runs through this. */
  readonly contacts: ContactRetention;
  /** What WhatsApp sent, for retry receipts; purged by age with the hourly purge. */
  readonly sentMessages: SentMessages;
  /** SQLite: concurrent respondents' transactions share one commit (storage/group-commit.ts). */
  readonly groupCommit: GroupCommit | null;
  /** SQLite: the handler's statements prepared once, run inside the group commit's transactions. */
  private readonly hot: SqliteHotPath | null;
  /** PostgreSQL: the same statements as fixed SQL (stateless, shared by every transaction). */
  private readonly pg: PostgresHotPath | null;

  constructor(readonly db: Db) {
    this.shared = isPostgres(db);
    const connection = this.shared || db.isTransaction ? undefined : sqliteConnectionOf(db);
    this.groupCommit = this.shared || db.isTransaction ? null : new GroupCommit(db, 100, connection);
    this.hot = connection ? new SqliteHotPath(connection) : null;
    this.pg = this.shared ? PG_HOT_PATH : null;
    this.pilots = new PilotRepository(db);
    this.contacts = new ContactRetention(db);
    this.sentMessages = new SentMessages(db);
  }

  /** Runs `fn` atomically; resolves once it is committed (durably: synchronous=FULL on SQLite). */
  transaction<T>(fn: (tx: StoreTx) => Promise<T>): Promise<T> {
    if (this.groupCommit) return this.groupCommit.run((trx) => fn(new StoreTx(trx, false, this.hot)));
    return this.db.transaction().execute((trx) => fn(new StoreTx(trx, this.shared, null, this.pg)));
  }

  /**
   * Runs one delivery of an address's replies so that no other process delivers to that
   * address meanwhile; otherwise two processes could both read (and send) the same rows, or
   * send a later reply before an earlier one. On PostgreSQL this is a transaction holding an
   * advisory lock on the address (the reads and deletes run in it; the sends happen while it is
   * open, which is what keeps them in order). SQLite is used by one process only, whose callers
   * already serialize per address.
   */
  async withAddressLock<T>(channel: string, address: string, fn: (outbox: OutboxAccess) => Promise<T>): Promise<T> {
    if (!this.shared) return fn(this);
    return this.db.transaction().execute(async (trx) => {
      // The two-key form is a lock space apart from the respondents' one-key locks.
      await sql`select pg_advisory_xact_lock(${sql.lit(OUTBOX_LOCK_CLASS)}, hashtext(${`${channel}:${address}`}))`.execute(trx);
      return fn(new Store(trx));
    });
  }

  markUnreachable(channel: string, address: string, now: string): Promise<UnreachableResult> {
    return new Reachability(this.db).markUnreachable(channel, address, now);
  }

  /** Clears an unreachable mark (the person unblocked the bot); true when there was one. */
  markReachable(channel: string, address: string): Promise<boolean> {
    return new Reachability(this.db).markReachable(channel, address);
  }

  isUnreachable(channel: string, address: string): Promise<boolean> {
    return new Reachability(this.db).isUnreachable(channel, address);
  }

  async telegramFileId(botId: string, fileKey: string): Promise<string | undefined> {
    const row = await this.db.selectFrom('telegram_files').select('file_id').where('bot_id', '=', botId).where('file_key', '=', fileKey).executeTakeFirst();
    return row?.file_id;
  }

  async rememberTelegramFile(botId: string, fileKey: string, fileId: string | null, now: string): Promise<void> {
    if (fileId === null) {
      await this.db.deleteFrom('telegram_files').where('bot_id', '=', botId).where('file_key', '=', fileKey).execute();
      return;
    }
    await this.db
      .insertInto('telegram_files')
      .values({ bot_id: botId, file_key: fileKey, file_id: fileId, created_at: now })
      .onConflict((oc) => oc.columns(['bot_id', 'file_key']).doUpdateSet({ file_id: fileId, created_at: now }))
      .execute();
  }

  /**
   * Forgets people who never consented and have been silent since `before` (ISO): their
   * respondent row and, by cascade, session, contact and inbox rows, then their identity
   * links (which have no foreign key). Returns how many respondents.
   * Without consent nothing may be kept for long, not even an abandoned language choice.
   */
  async purgeUnconsented(before: string): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const res = await trx
        .deleteFrom('respondents')
        .where('last_seen_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('consents')
                .select('consents.id')
                .whereRef('consents.respondent_id', '=', 'respondents.id')
                .where('consents.kind', '=', 'participation')
                .where('consents.granted', '=', 1),
            ),
          ),
        )
        .executeTakeFirst();
      // Only links older than `before`: a link is written just before its respondent row, so
      // a fresh link without a respondent belongs to a message being handled right now, and
      // deleting it could let that person's next message pick another canonical key. No link of
      // a purged respondent is missed: each was written no later than its last_seen_at.
      await trx
        .deleteFrom('identity_links')
        .where('created_at', '<', before)
        .where(({ not, exists, selectFrom }) =>
          not(exists(selectFrom('respondents').select('respondents.id').whereRef('respondents.id', '=', 'identity_links.respondent_id'))),
        )
        .execute();
      return Number(res.numDeletedRows);
    });
  }

  /**
   * Maps a person who reaches us under several addresses on one channel (on WhatsApp a
   * phone-number JID and a LID, with only one of them, or both, known per message) to one
   * canonical key, and returns it. `aliasKeys` are keyed hashes of those addresses (never the
   * addresses), the one the message came from first, then any alternative it carried;
   * `respondentIdOf` derives the respondent id from the canonical key.
   *
   * The canonical key is that of the oldest existing link of any alias, so what a person was
   * first known as stays their identity; without any link it is `aliasKeys[0]`. Aliases not
   * linked yet are linked to it. Existing links are never rewritten: two aliases first seen
   * apart and only later together stay two respondents (merging answers is not done here),
   * and the later messages go to the older one.
   */
  async resolveIdentity(channel: string, aliasKeys: string[], respondentIdOf: (canonicalKey: string) => string, now: string): Promise<string> {
    const aliases = [...new Set(aliasKeys)];
    const first = aliases[0];
    if (first === undefined) throw new Error('resolveIdentity needs at least one alias key');
    const oldest = (trx: Tx) =>
      trx
        .selectFrom('identity_links')
        .select(['alias_key', 'canonical_key'])
        .where('channel', '=', channel)
        .where('alias_key', 'in', aliases)
        .orderBy('created_at')
        .orderBy('alias_key')
        .execute();
    return this.db.transaction().execute(async (trx) => {
      const links = await oldest(trx);
      const canonical = links[0]?.canonical_key ?? first;
      const linked = new Set(links.map((l) => l.alias_key));
      const missing = aliases.filter((a) => !linked.has(a));
      if (missing.length === 0) return canonical;
      const respondentId = respondentIdOf(canonical);
      const res = await trx
        .insertInto('identity_links')
        .values(missing.map((alias_key) => ({ channel, alias_key, canonical_key: canonical, respondent_id: respondentId, created_at: now })))
        .onConflict((oc) => oc.columns(['channel', 'alias_key']).doNothing())
        .executeTakeFirst();
      if (Number(res.numInsertedOrUpdatedRows ?? 0) === missing.length) return canonical;
      // Another writer linked one of these aliases between our read and our insert (possible
      // on PostgreSQL, not with SQLite's single writer): answer with what is stored now.
      return (await oldest(trx))[0]?.canonical_key ?? canonical;
    });
  }

  /** Where to reach a respondent on a channel (most recently used address), for messages they did not just ask for. */
  async contactAddress(respondentId: string, channel: string): Promise<string | undefined> {
    const row = await this.db
      .selectFrom('contacts')
      .select('address')
      .where('respondent_id', '=', respondentId)
      .where('channel', '=', channel)
      .orderBy('updated_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row?.address;
  }

  /**
   * Undelivered messages, conversations before campaigns, each oldest first; for one
   * respondent, one address or (after a restart) all. A campaign message waits for room in
   * the channel's budget, so a reply queued behind it would wait too; reordering across the
   * two is safe because campaign messages stand alone (no conversation refers to them).
   */
  async pendingOutbound(filter: { respondentId?: string; address?: { channel: string; address: string } } = {}, limit = 100): Promise<OutboundRow[]> {
    const a = filter.address;
    const hot = a && !filter.respondentId ? this.hot?.pendingForAddress(a.channel, a.address, limit) : null;
    let rows = hot ?? (a && !filter.respondentId && this.pg ? await this.pg.pendingForAddress(this.db, a.channel, a.address, limit) : null);
    if (!rows) {
      let q = this.db.selectFrom('outbox').selectAll().orderBy('priority').orderBy('created_at').orderBy('position').limit(limit);
      if (filter.respondentId) q = q.where('respondent_id', '=', filter.respondentId);
      if (a) q = q.where('channel', '=', a.channel).where('address', '=', a.address);
      rows = await q.execute();
    }
    return rows.map((r) => ({
      id: r.id,
      respondentId: r.respondent_id,
      channel: r.channel,
      address: r.address,
      payload: JSON.parse(r.payload),
      attempts: r.attempts,
      priority: r.priority === PRIORITY_RANK.campaign ? 'campaign' : 'conversation',
    }));
  }

  async markDelivered(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    // SQLite: rides along with the next group commit instead of an fsync of its own per reply.
    const hot = this.hot;
    if (this.groupCommit && hot) await this.groupCommit.run(async () => hot.deleteOutbox(ids));
    else if (this.groupCommit) await this.groupCommit.run((trx) => trx.deleteFrom('outbox').where('id', 'in', ids).execute());
    else if (this.pg) await this.pg.deleteOutbox(this.db, ids);
    else await this.db.deleteFrom('outbox').where('id', 'in', ids).execute();
  }

  async markFailed(id: string, error: string): Promise<void> {
    await this.db
      .updateTable('outbox')
      .set((eb) => ({ attempts: eb('attempts', '+', 1), last_error: error.slice(0, 500) }))
      .where('id', '=', id)
      .execute();
  }
}

export { ConcurrentUpdateError, StoreTx, type StoredSession, type UnreachableResult };
