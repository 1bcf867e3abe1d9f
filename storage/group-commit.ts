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

export class GroupCommit {
  private readonly queue: Pending[] = [];
  private draining = false;
  /** Batches committed and the transactions in them (for the bench). */
  readonly stats = { batches: 0, transactions: 0 };

  /** Savepoints run on the connection directly when it is given: kysely's builder per savepoint cost more than SQLite's work. */
  private readonly savepoints: { open: SQLite.Statement; release: SQLite.Statement; rollback: SQLite.Statement } | null;

  constructor(
    private readonly db: Db,
    private readonly maxBatch = 100,
    connection?: SQLite.Database,
  ) {
    this.savepoints = connection
      ? { open: connection.prepare('savepoint "tx"'), release: connection.prepare('release "tx"'), rollback: connection.prepare('rollback to "tx"') }
      : null;
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
    let trx: Awaited<ReturnType<ReturnType<Db['startTransaction']>['execute']>>;
    try {
      trx = await this.db.startTransaction().execute();
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
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
    } catch (e) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      for (const p of batch) p.reject(e);
      return;
    }
    this.stats.batches++;
    this.stats.transactions += batch.length;
    batch.forEach((p, i) => {
      const o = outcomes[i]!;
      if (o.ok) p.resolve(o.value);
      else p.reject(o.error);
    });
  }
}
