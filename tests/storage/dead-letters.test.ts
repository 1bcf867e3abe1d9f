/**
 * The dead-letter repository on SQLite and PostgreSQL: attempts counted across connections
 * (a restarted process), parking in one transaction (claimed, kept without the address, the
 * apology queued), gone with the respondent; and store errors classified from the real drivers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import type { Db } from '../../storage/database.ts';
import { DeadLetters } from '../../storage/dead-letters.ts';
import { isTransient, toStoreError } from '../../storage/errors.ts';
import { ConcurrentUpdateError, Store } from '../../storage/store.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';
import { plainOutbox } from '../helpers/outbox.ts';

const now = '2026-03-01T10:00:00.000Z';
const key = { channel: 'telegram' as const, messageKey: 'mk-1', respondentId: 'r_dead1', address: '987654321' };
const failure = { layer: 'engine', code: 'invariant', reason: 'EngineError: no prompt' };
const apology = { id: 'out-1', payload: { text: 'Sorry', language: 'en', dir: 'ltr' } };

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let dbs: Db[];
  let store: Store;
  const open = () => {
    const db = testDb.open();
    dbs.push(db);
    return new Store(db);
  };

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    dbs = [];
    store = open();
  });
  afterEach(async () => {
    for (const db of dbs) await db.destroy();
    await testDb.dispose();
  });

  it('counts attempts across connections and parks in one transaction', async () => {
    expect(await new DeadLetters(store).recordFailure(key, failure, now)).toBe(1);
    // A restarted process (its own connection) keeps counting.
    const later = new DeadLetters(open());
    expect(await later.recordFailure(key, { ...failure, code: 'other' }, now)).toBe(2);
    expect(await later.recordFailure(key, failure, now)).toBe(3);
    expect(await later.count()).toBe(0); // failing, not parked yet

    expect(await later.park(key, { ...failure, attempts: 3 }, { content: { kind: 'text', text: '2018' } }, apology, plainOutbox, now)).toBe('parked');
    expect(await later.park(key, { ...failure, attempts: 3 }, {}, { ...apology, id: 'out-2' }, plainOutbox, now)).toBe('duplicate');
    // The message is claimed: the handler sees a redelivery as a duplicate.
    expect(await store.transaction((tx) => tx.claimMessage('telegram', 'mk-1', 'r_dead1', now))).toBe(false);
    expect(await later.count()).toBe(1);
    expect(await later.list()).toEqual([
      {
        channel: 'telegram',
        messageKey: 'mk-1',
        respondentId: 'r_dead1',
        ...failure,
        attempts: 3,
        content: { content: { kind: 'text', text: '2018' } },
        firstSeenAt: now,
        lastSeenAt: now,
        parkedAt: now,
      },
    ]);
    const out = await store.pendingOutbound({ address: { channel: 'telegram', address: '987654321' } });
    expect(out.map((o) => [o.id, o.payload])).toEqual([['out-1', apology.payload]]);
    const rows = await store.db.selectFrom('dead_letters').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain('987654321');
  });

  it('forgets a message that went through after all, and goes with its respondent', async () => {
    const letters = new DeadLetters(store);
    await letters.recordFailure(key, failure, now);
    await letters.clear('telegram', 'mk-1');
    expect(await store.db.selectFrom('dead_letters').selectAll().execute()).toEqual([]);

    await letters.recordFailure(key, failure, now);
    await letters.park(key, { ...failure, attempts: 1 }, {}, apology, plainOutbox, now);
    await letters.clear('telegram', 'mk-1'); // parked rows stay for admins
    expect(await letters.count()).toBe(1);
    await store.transaction((tx) => tx.eraseRespondent('r_dead1'));
    expect(await letters.count()).toBe(0);
  });

  it('finds the language the respondent last used, for the apology', async () => {
    const letters = new DeadLetters(store);
    expect(await letters.languageOf('r_dead1')).toBeNull();
    await store.pilots.ensure('p', 'Pilot', 's', 1, now);
    await store.transaction(async (tx) => {
      await tx.touchRespondent('r_dead1', 'telegram', '987654321', now);
      await tx.saveSession({
        id: 'sess1',
        respondentId: 'r_dead1',
        pilotCode: 'p',
        channel: 'telegram',
        expectedRevision: 0,
        state: sessionState({ language: 'ti' }, now),
        now,
      });
    });
    expect(await letters.languageOf('r_dead1')).toBe('ti');
  });

  it('classifies a broken constraint as permanent', async () => {
    await store.transaction((tx) => tx.touchRespondent('r_x', 'telegram', '1', now));
    const e = await store.db
      .insertInto('respondents')
      .values({ id: 'r_x', created_at: now, last_seen_at: now, language: null })
      .execute()
      .catch((x: unknown) => x);
    expect(toStoreError(e)?.code).toBe('constraint');
    expect(isTransient(e)).toBe(false);
  });
});

describe('store error classification from the real drivers', () => {
  it('SQLite: a locked database is busy, hence transient', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-busy-'));
    const a = new SQLite(join(dir, 'db.sqlite'));
    const b = new SQLite(join(dir, 'db.sqlite'), { timeout: 0 });
    try {
      a.exec('create table t (x integer)');
      a.exec('begin immediate');
      let err: unknown;
      try {
        b.exec('insert into t values (1)');
      } catch (e) {
        err = e;
      }
      expect(toStoreError(err)?.code).toBe('busy');
      expect(isTransient(err)).toBe(true);
    } finally {
      a.exec('rollback');
      a.close();
      b.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('PostgreSQL: a refused connection is unavailable; a conflict is transient', async () => {
    const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'x', database: 'x', connectionTimeoutMillis: 2000 });
    const err = await client.connect().catch((e: unknown) => e);
    expect(toStoreError(err)?.code).toBe('unavailable');
    expect(isTransient(new ConcurrentUpdateError('changed'))).toBe(true);
    expect(toStoreError(new Error('a bug'))).toBeNull();
  });
});
