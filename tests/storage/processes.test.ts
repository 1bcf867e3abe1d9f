/**
 * What lets several processes share a PostgreSQL store: a respondent's messages and an
 * address's deliveries are serialized across connections (each pool here stands for a
 * process), a message is claimed once, and replies keep their order when clocks disagree.
 * SQLite is used by one process only (see README, Production layout), so these run on PostgreSQL.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';

let testDb: TestDatabase;
let one: Db;
let two: Db;

beforeEach(async () => {
  testDb = await createTestDatabase('postgres');
  one = testDb.open();
  two = testDb.open();
});
afterEach(async () => {
  await one?.destroy();
  await two?.destroy();
  await testDb?.dispose();
});

const now = '2026-03-01T10:00:00.000Z';

function gate(): { open: () => void; opened: Promise<void> } {
  let open!: () => void;
  const opened = new Promise<void>((r) => {
    open = r;
  });
  return { open, opened };
}

/** Resolves once some connection to this database waits for an advisory lock. */
async function someoneWaits(db: Db): Promise<void> {
  for (;;) {
    const r = await sql<{
      n: number;
    }>`select count(*) as n from pg_locks where locktype = 'advisory' and not granted and database = (select oid from pg_database where datname = current_database())`.execute(
      db,
    );
    if (Number(r.rows[0]!.n) > 0) return;
    await new Promise((res) => setTimeout(res, 20));
  }
}

describe('several processes on PostgreSQL', () => {
  it("serialize one respondent's messages (the advisory lock is held until commit), not other respondents'", async () => {
    const events: string[] = [];
    const locked = gate();
    const release = gate();
    const first = new Store(one).transaction(async (tx) => {
      await tx.lockRespondent('r_1');
      events.push('A has r_1');
      locked.open();
      await release.opened;
      events.push('A commits');
    });
    await locked.opened;
    const second = new Store(two).transaction(async (tx) => {
      await tx.lockRespondent('r_1');
      events.push('B has r_1');
    });
    await someoneWaits(one);
    await new Store(two).transaction((tx) => tx.lockRespondent('r_2'));
    events.push('B had r_2 meanwhile');
    release.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['A has r_1', 'B had r_2 meanwhile', 'A commits', 'B has r_1']);
  });

  it('deliver to one address from one process at a time', async () => {
    const events: string[] = [];
    const locked = gate();
    const release = gate();
    const first = new Store(one).withAddressLock('telegram', '4711', async () => {
      events.push('A delivers to 4711');
      locked.open();
      await release.opened;
      events.push('A done');
    });
    await locked.opened;
    const second = new Store(two).withAddressLock('telegram', '4711', async () => {
      events.push('B delivers to 4711');
    });
    await someoneWaits(one);
    await new Store(two).withAddressLock('telegram', '4712', async () => {
      events.push('B delivered to 4712 meanwhile');
    });
    release.open();
    await Promise.all([first, second]);
    expect(events).toEqual(['A delivers to 4711', 'B delivered to 4712 meanwhile', 'A done', 'B delivers to 4711']);
  });

  it('claim a message in exactly one of two concurrent transactions', async () => {
    await new Store(one).transaction((tx) => tx.touchRespondent('r_1', 'telegram', '4711', now));
    const claim = (db: Db) => new Store(db).transaction((tx) => tx.claimMessage('telegram', 'm-1', 'r_1', now));
    const results = await Promise.all([claim(one), claim(two), claim(one), claim(two)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("queue a reply after a pending one stamped later (another process's clock runs ahead)", async () => {
    const store = new Store(one);
    await store.transaction((tx) => tx.touchRespondent('r_1', 'telegram', '4711', now));
    const reply = (id: string, createdAt: string, position: number) => ({
      id,
      respondentId: 'r_1',
      channel: 'telegram' as const,
      address: '4711',
      payload: { text: id },
      createdAt,
      position,
    });
    await store.transaction((tx) => tx.enqueueOutbound([reply('q1', '2026-03-01T10:00:00.005Z', 7), reply('q1b', '2026-03-01T10:00:00.005Z', 8)]));
    await new Store(two).transaction((tx) => tx.enqueueOutbound([reply('q2', '2026-03-01T10:00:00.001Z', 0), reply('q2b', '2026-03-01T10:00:00.001Z', 1)]));
    // Another address is not affected.
    await new Store(two).transaction((tx) => tx.enqueueOutbound([{ ...reply('other', '2026-03-01T10:00:00.000Z', 0), address: '4712' }]));
    expect((await store.pendingOutbound({ address: { channel: 'telegram', address: '4711' } })).map((r) => r.id)).toEqual(['q1', 'q1b', 'q2', 'q2b']);
    expect((await store.pendingOutbound()).map((r) => r.id)).toEqual(['other', 'q1', 'q1b', 'q2', 'q2b']);
  });
});
