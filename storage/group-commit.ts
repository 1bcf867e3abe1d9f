/**
 * Group commit for SQLite: the transactions that queue up while one commit runs are applied
 * together in one SQLite transaction, each in a savepoint of its own, and committed with one
 * fsync (synchronous=FULL stays). Each is still atomic and applied in the order asked: a
 * failing one rolls back to its savepoint, so only it fails. Every caller's promise settles
 * only after the commit of its batch, so nothing is confirmed before it is durable; a failed
 * commit fails the whole batch, and none of it was stored.
 *
 * There is no timed batch window: a batch starts one event-loop turn after its first
 * transaction asked, and what arrives while it runs (SQLite has one connection, so it would
 * wait anyway) forms the next batch.
 *
 * A savepoint copies each page before its first change in it into the sub-journal, so it can
 * roll back to it. With SQLite's default temp_store that journal becomes a temporary file once
 * it passes 64 KiB, and one answer touches ~25 pages (its row and eleven indexes, the session,
 * the outbox, the inbox): a write() per page, ~90 µs of CPU per answer (issue 20). During a
 * batch the sub-journal is kept in memory (temp_store = memory, bounded by one transaction's
 * pages); between batches the connection's own setting is back, so a large sort of an export
 * still spills to disk rather than to memory.
 * @module
 */
import type SQLite from 'better-sqlite3';
import type { Transaction } from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

type Tx = Transaction<Database>;

interface Pending {
  fn: (trx: Tx) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };
type Applied = { ok: true; outcomes: Outcome[] } | { ok: false; error: unknown };

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** Batches committed and the transactions in them (for the bench). */
  readonly stats = { batches: 0, transactions: 0 };

  /** Savepoints run on the connection directly when it is given: kysely's builder per savepoint cost more than SQLite's work. */
  private readonly savepoints: { open: SQLite.Statement; release: SQLite.Statement; rollback: SQLite.Statement } | null;
  /** Keeps the sub-journal in memory for one batch (see the module's comment); null without the connection. */
  private readonly journalInMemory: { on: () => void; off: () => void } | null;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 100,
    connection?: SQLite.Database,
  ) {
    this.savepoints = connection
      ? { open: connection.prepare('savepoint "tx"'), release: connection.prepare('release "tx"'), rollback: connection.prepare('rollback to "tx"') }
      : null;
    this.journalInMemory = connection ? subJournalInMemory(connection) : null;
  }

  run<T>(fn: (trx: Tx) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.draining) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        // Let the updates and replies already read from the network queue up first: one turn
        // of the event loop, no timer, so a lone transaction is not held back.
        await new Promise((r) => setImmediate(r));
        await this.commit(this.queue.splice(0, this.maxBatch));
      }
    } finally {
      this.draining = false;
    }
  }

  private async commit(batch: Pending[]): Promise<void> {
    this.journalInMemory?.on();
    let applied: Applied;
    try {
      applied = await this.apply(batch);
    } finally {
      // Before any caller resumes, so what runs next on the connection has its own setting again.
      this.journalInMemory?.off();
    }
    if (!applied.ok) {
      for (const p of batch) p.reject(applied.error);
      return;
    }
    this.stats.batches++;
    this.stats.transactions += batch.length;
    batch.forEach((p, i) => {
      const o = applied.outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }

  /** Runs the batch in one transaction, each in its savepoint; what each returned, or why none of it was stored. */
  private async apply(batch: Pending[]): Promise<Applied> {
    let trx: Awaited<ReturnType<ReturnType<Db['startTransaction']>['execute']>>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (error) {
      return { ok: false, error };
    }
    const outcomes: Outcome[] = [];
    try {
      for (const p of batch) {
        const raw = this.savepoints;
        if (raw) {
          // The same connection: the kysely transaction's statements run inside this savepoint.
          raw.open.run();
          try {
            outcomes.push({ ok: true, value: await p.fn(trx) });
            raw.release.run();
          } catch (error) {
            outcomes.push({ ok: false, error });
            raw.rollback.run();
            raw.release.run();
          }
          continue;
        }
        const sp = await trx.savepoint('tx').execute();
        try {
          outcomes.push({ ok: true, value: await p.fn(sp) });
          await sp.releaseSavepoint('tx').execute();
        } catch (error) {
          outcomes.push({ ok: false, error });
          // Undo only this one's writes, then drop its savepoint so the next starts clean.
          await (await sp.rollbackToSavepoint('tx').execute()).releaseSavepoint('tx').execute();
        }
      }
      await trx.commit().execute();
      return { ok: true, outcomes };
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      return { ok: false, error };
    }
  }
}

/**
 * Switches the connection's temp_store to memory and back (exec() compiles the pragma each
 * time, which is when SQLite applies it). It takes effect when the write transaction begins (the pager
 * reads it then), so `on` comes before the batch's BEGIN and `off` after its COMMIT.
 */
function subJournalInMemory(connection: SQLite.Database): { on: () => void; off: () => void } {
  // 0 default, 1 file, 2 memory.
  const own = connection.pragma('temp_store', { simple: true }) as number;
  if (own === 2) return { on: () => undefined, off: () => undefined };
  // SQLite refuses only while a temp table is open (stemmen makes none); a refusal costs speed, never a batch.
  const set = (value: number) => () => {
    try {
      connection.exec(`pragma temp_store = ${value}`);
    } catch {}
  };
  return { on: set(2), off: set(own) };
}
