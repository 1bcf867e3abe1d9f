import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(STORE_KINDS)('sent messages on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  const T0 = '2026-12-01T10:00:00.000Z';

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    await db
      .insertInto('respondents')
      .values([
        { id: 'r1', created_at: T0, last_seen_at: T0, language: 'en' },
        { id: 'r2', created_at: T0, last_seen_at: T0, language: 'en' },
      ])
      .execute();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const bytes = (...b: number[]) => new Uint8Array(b);
  const hex = (v: Uint8Array | undefined) => (v ? Buffer.from(v).toString('hex') : v);

  it('hands back the bytes kept under a message id; a resend of the id replaces them', async () => {
    expect(await store.sentMessages.remember('3EB0A', 'r1', bytes(0, 1, 255, 10), T0)).toBe(true);
    expect(hex(await store.sentMessages.get('3EB0A'))).toBe('0001ff0a');
    expect(await store.sentMessages.remember('3EB0A', 'r1', bytes(7), T0)).toBe(true);
    expect(hex(await store.sentMessages.get('3EB0A'))).toBe('07');
    expect(await store.sentMessages.get('3EB0B')).toBeUndefined();
  });

  it('purges by age only', async () => {
    await store.sentMessages.remember('old', null, bytes(1), '2026-11-28T09:59:59.999Z');
    await store.sentMessages.remember('new', 'r1', bytes(2), T0);
    expect(await store.sentMessages.purge('2026-11-28T10:00:00.000Z')).toBe(1);
    expect(await store.sentMessages.get('old')).toBeUndefined();
    expect(hex(await store.sentMessages.get('new'))).toBe('02');
  });

  it('goes with its respondent (erasure, the purge of the unconsented), and is not written for someone erased meanwhile', async () => {
    await store.sentMessages.remember('to-r1', 'r1', bytes(1), T0);
    await store.sentMessages.remember('to-r2', 'r2', bytes(2), T0);
    await store.sentMessages.remember('to-nobody', null, bytes(3), T0);
    await store.transaction((tx) => tx.eraseRespondent('r1'));
    expect(await store.sentMessages.get('to-r1')).toBeUndefined();
    expect(await store.purgeUnconsented('2026-12-02T00:00:00.000Z')).toBe(1); // r2 never consented
    expect(await store.sentMessages.get('to-r2')).toBeUndefined();
    expect(hex(await store.sentMessages.get('to-nobody'))).toBe('03');
    expect(await store.sentMessages.remember('late', 'r1', bytes(4), T0)).toBe(false);
    expect(await store.sentMessages.get('late')).toBeUndefined();
  });
});
