/**
 * Conversations before campaigns in the outbox, on both stores: delivery reads a respondent's
 * replies before campaign messages, per address and over all addresses (a backlog after an
 * outage), each kind in commit order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

let testDb: TestDatabase | undefined;
let db: Db | undefined;
afterEach(async () => {
  await db?.destroy();
  await testDb?.dispose();
  db = testDb = undefined;
});

const at = (ms: number) => new Date(Date.UTC(2026, 2, 1, 10, 0, 0, ms)).toISOString();

describe.each(STORE_KINDS)('outbox priority (%s)', (kind) => {
  it('reads conversation rows first, each priority oldest first', async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    const store = new Store(db);
    await store.transaction((tx) => tx.touchRespondent('r_1', 'telegram', '4711', at(0)));
    const row = (id: string, address: string, ms: number, position: number, priority?: 'campaign') => ({
      id,
      respondentId: null,
      channel: 'telegram' as const,
      address,
      payload: { text: id },
      createdAt: at(ms),
      position,
      ...(priority ? { priority } : {}),
    });
    // A campaign backlog written first, then a conversation: to the same address and to others.
    await store.transaction((tx) => tx.enqueueOutbound([row('camp-1', '4711', 1, 0, 'campaign')]));
    await store.transaction((tx) => tx.enqueueOutbound([row('camp-2', '4712', 2, 1, 'campaign')]));
    await store.transaction((tx) => tx.enqueueOutbound([row('reply-1', '4711', 3, 2), row('reply-2', '4711', 3, 3)]));
    await store.transaction((tx) => tx.enqueueOutbound([row('reply-3', '4713', 4, 4)]));

    const mine = await store.pendingOutbound({ address: { channel: 'telegram', address: '4711' } });
    expect(mine.map((r) => [r.id, r.priority])).toEqual([
      ['reply-1', 'conversation'],
      ['reply-2', 'conversation'],
      ['camp-1', 'campaign'],
    ]);
    expect((await store.pendingOutbound()).map((r) => r.id)).toEqual(['reply-1', 'reply-2', 'reply-3', 'camp-1', 'camp-2']);
  });
});
