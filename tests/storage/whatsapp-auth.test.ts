import { makeCacheableSignalKeyStore, proto, type SignalDataSet } from '@whiskeysockets/baileys';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { useStoreAuthState } from '../../storage/whatsapp-auth.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  /** Compares bytes, whatever the container (Buffer or Uint8Array): what Baileys relies on. */
  const bytes = (v: Uint8Array | undefined | null) => (v ? Buffer.from(v).toString('hex') : v);
  const keyRows = (session?: string) => {
    let q = db.selectFrom('whatsapp_keys').select(['session', 'type', 'id']).orderBy('session').orderBy('type').orderBy('id');
    if (session) q = q.where('session', '=', session);
    return q.execute();
  };

  describe('useStoreAuthState', () => {
    it('starts a session without stored creds from fresh creds, and writes nothing until saveCreds', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      expect(state.creds.registered).toBe(false);
      expect(state.creds.noiseKey.private).toHaveLength(32);
      expect(await db.selectFrom('whatsapp_creds').selectAll().execute()).toEqual([]);
    });

    it('keeps creds across a reopen of the database, binary keys byte for byte', async () => {
      const auth = await useStoreAuthState(db, 'main');
      const original = auth.state.creds;
      // What a paired login adds, so more than the fresh defaults is round-tripped.
      original.me = { id: '31612345678:3@s.whatsapp.net', lid: '123456789012345:3@lid', name: 'Stemmen' };
      original.registered = true;
      original.routingInfo = Buffer.from([1, 2, 3, 250]);
      original.nextPreKeyId = 813;
      await auth.saveCreds();
      const expected = JSON.parse(JSON.stringify(original)) as unknown;
      await db.destroy();

      db = testDb.open();
      const { state } = await useStoreAuthState(db, 'main');
      const creds = state.creds;
      expect(Buffer.isBuffer(creds.noiseKey.private)).toBe(true);
      expect(bytes(creds.noiseKey.private)).toBe(bytes(original.noiseKey.private));
      expect(bytes(creds.noiseKey.public)).toBe(bytes(original.noiseKey.public));
      expect(bytes(creds.signedIdentityKey.private)).toBe(bytes(original.signedIdentityKey.private));
      expect(bytes(creds.signedPreKey.signature)).toBe(bytes(original.signedPreKey.signature));
      expect(bytes(creds.routingInfo)).toBe('010203fa');
      expect(creds.advSecretKey).toBe(original.advSecretKey);
      expect(creds.registrationId).toBe(original.registrationId);
      expect(creds.me).toEqual(original.me);
      expect(JSON.parse(JSON.stringify(creds))).toEqual(expected);
    });

    it('saves creds again after Baileys updates them in place', async () => {
      const auth = await useStoreAuthState(db, 'main');
      await auth.saveCreds();
      Object.assign(auth.state.creds, { registered: true, accountSyncCounter: 4 });
      await auth.saveCreds();
      const { state } = await useStoreAuthState(db, 'main');
      expect(state.creds).toMatchObject({ registered: true, accountSyncCounter: 4 });
      expect(await db.selectFrom('whatsapp_creds').select('session').execute()).toEqual([{ session: 'main' }]);
    });

    it('round-trips keys of every kind, including v7 LID mappings', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      const preKey = { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) };
      const session = new Uint8Array([9, 8, 7, 0, 255]);
      const appStateKey = proto.Message.AppStateSyncKeyData.fromObject({
        keyData: Buffer.alloc(32, 5),
        fingerprint: { rawId: 7, currentIndex: 2, deviceIndexes: [0, 1] },
        timestamp: 1_760_000_000_000,
      });
      await state.keys.set({
        'pre-key': { '1': preKey, '2': { public: Buffer.alloc(32, 3), private: Buffer.alloc(32, 4) } },
        session: { '31612345678.0': session },
        'app-state-sync-key': { AAAAAGsX: appStateKey },
        'lid-mapping': { '31612345678': '123456789012345', '123456789012345_reverse': '31612345678' },
        'device-list': { '31612345678': ['0', '3'] },
        tctoken: { '123456789012345@lid': { token: Buffer.from('tok'), timestamp: '1760000000' } },
      });

      const fresh = await useStoreAuthState(db, 'main'); // read from the database, not from memory
      const pre = await fresh.state.keys.get('pre-key', ['1', '2', '404']);
      expect(Object.keys(pre).sort()).toEqual(['1', '2']); // a missing id is simply absent
      expect(bytes(pre['1']?.public)).toBe(bytes(preKey.public));
      expect(bytes(pre['1']?.private)).toBe(bytes(preKey.private));
      expect(bytes((await fresh.state.keys.get('session', ['31612345678.0']))['31612345678.0'])).toBe('09080700ff');

      const { AAAAAGsX: sync } = await fresh.state.keys.get('app-state-sync-key', ['AAAAAGsX']);
      expect(sync).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
      expect(bytes(sync?.keyData)).toBe(bytes(appStateKey.keyData));
      expect(sync?.fingerprint).toBeInstanceOf(proto.Message.AppStateSyncKeyFingerprint);
      expect(sync?.fingerprint?.deviceIndexes).toEqual([0, 1]);
      expect(Number(sync?.timestamp)).toBe(1_760_000_000_000);

      expect(await fresh.state.keys.get('lid-mapping', ['31612345678', '123456789012345_reverse'])).toEqual({
        '31612345678': '123456789012345',
        '123456789012345_reverse': '31612345678',
      });
      expect(await fresh.state.keys.get('device-list', ['31612345678'])).toEqual({ '31612345678': ['0', '3'] });
      const tc = (await fresh.state.keys.get('tctoken', ['123456789012345@lid']))['123456789012345@lid'];
      expect(tc?.token.toString()).toBe('tok');
      expect(tc?.timestamp).toBe('1760000000');
    });

    it('overwrites a key set again and deletes a key set to null', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      await state.keys.set({ 'lid-mapping': { a: '1', b: '2' }, session: { s: new Uint8Array([1]) } });
      await state.keys.set({ 'lid-mapping': { a: '10', b: null }, session: { s: null, nope: null } });
      expect(await state.keys.get('lid-mapping', ['a', 'b'])).toEqual({ a: '10' });
      expect(await state.keys.get('session', ['s'])).toEqual({});
      expect(await keyRows()).toEqual([{ session: 'main', type: 'lid-mapping', id: 'a' }]);
    });

    it('writes and reads more keys than fit in one statement (Baileys uploads 812 pre-keys at once)', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      const ids = Array.from({ length: 812 }, (_, i) => String(i + 1));
      await state.keys.set({ 'pre-key': Object.fromEntries(ids.map((id) => [id, { public: Buffer.from(id), private: Buffer.from(id) }])) });
      const got = await state.keys.get('pre-key', ids);
      expect(Object.keys(got)).toHaveLength(812);
      expect(got['812']?.private.toString()).toBe('812');
      await state.keys.set({ 'pre-key': Object.fromEntries(ids.map((id) => [id, null])) });
      expect(await keyRows()).toEqual([]);
    });

    it('writes nothing of a key set with a value that cannot be serialised', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      await state.keys.set({ 'lid-mapping': { keep: '1' } });
      const poisoned = {
        get token(): Buffer {
          throw new Error('getter exploded');
        },
      };
      const data = {
        'pre-key': { '1': { public: Buffer.alloc(32), private: Buffer.alloc(32) } },
        'lid-mapping': { keep: null, other: '2' },
        tctoken: { x: poisoned },
      } as SignalDataSet;
      await expect(state.keys.set(data)).rejects.toThrow('getter exploded');
      expect(await keyRows()).toEqual([{ session: 'main', type: 'lid-mapping', id: 'keep' }]);
    });

    it('rolls back the whole key set when the database fails midway', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      await state.keys.set({ session: { old: new Uint8Array([1]) }, 'lid-mapping': { keep: '1' } });
      // A write that fails inside the transaction, after the deletes have already run (as a
      // full disk or a lost connection would).
      if (kind === 'sqlite') {
        await sql`create trigger poison before insert on whatsapp_keys when new.id = 'poison' begin select raise(abort, 'disk on fire'); end`.execute(db);
      } else {
        await sql`create function poison() returns trigger language plpgsql as $$ begin raise exception 'disk on fire'; end $$`.execute(db);
        await sql`create trigger poison before insert on whatsapp_keys for each row when (new.id = 'poison') execute function poison()`.execute(db);
      }
      const ids = Array.from({ length: 250 }, (_, i) => `k${i}`); // several statements before the poisoned one
      await expect(
        state.keys.set({
          session: { old: null },
          'lid-mapping': { keep: '2', ...Object.fromEntries(ids.map((id) => [id, id])) },
          'device-list': { poison: ['0'] },
        }),
      ).rejects.toThrow('disk on fire');
      expect(await keyRows()).toEqual([
        { session: 'main', type: 'lid-mapping', id: 'keep' },
        { session: 'main', type: 'session', id: 'old' },
      ]);
      expect(await state.keys.get('lid-mapping', ['keep'])).toEqual({ keep: '1' });
    });

    it('fails a key set on a closed database without writing anything', async () => {
      const { state } = await useStoreAuthState(db, 'main');
      await db.destroy();
      await expect(state.keys.set({ 'lid-mapping': { a: '1' } })).rejects.toThrow();
      db = testDb.open();
      expect(await keyRows()).toEqual([]);
    });

    it("works behind Baileys' makeCacheableSignalKeyStore", async () => {
      const { state } = await useStoreAuthState(db, 'main');
      const cached = makeCacheableSignalKeyStore(state.keys, pino({ level: 'silent' }));
      await cached.set({
        'lid-mapping': { '31612345678': '123456789012345' },
        'pre-key': { '5': { public: Buffer.alloc(32, 1), private: Buffer.alloc(32, 2) } },
      });
      expect(await cached.get('lid-mapping', ['31612345678', 'unknown'])).toEqual({ '31612345678': '123456789012345' });

      const behind = (await useStoreAuthState(db, 'main')).state.keys; // bypasses the cache
      expect(await behind.get('lid-mapping', ['31612345678'])).toEqual({ '31612345678': '123456789012345' });
      expect(bytes((await behind.get('pre-key', ['5']))['5']?.private)).toBe(bytes(Buffer.alloc(32, 2)));

      await cached.set({ 'pre-key': { '5': null } });
      expect(await behind.get('pre-key', ['5'])).toEqual({});
      await cached.clear?.();
      expect(await keyRows()).toEqual([]);
    });

    it('clear() forgets creds and keys of that session only', async () => {
      const a = await useStoreAuthState(db, 'a');
      const b = await useStoreAuthState(db, 'b');
      for (const auth of [a, b]) {
        await auth.saveCreds();
        await auth.state.keys.set({ 'lid-mapping': { x: '1' }, session: { y: new Uint8Array([1]) } });
      }
      await a.clear();
      expect(await db.selectFrom('whatsapp_creds').select('session').execute()).toEqual([{ session: 'b' }]);
      expect((await keyRows()).map((r) => r.session)).toEqual(['b', 'b']);
      const again = await useStoreAuthState(db, 'a');
      expect(bytes(again.state.creds.noiseKey.private)).not.toBe(bytes(a.state.creds.noiseKey.private));
      expect(await again.state.keys.get('lid-mapping', ['x'])).toEqual({});
      const bAgain = await useStoreAuthState(db, 'b');
      expect(bytes(bAgain.state.creds.noiseKey.private)).toBe(bytes(b.state.creds.noiseKey.private));
    });

    it('keeps sessions apart', async () => {
      const a = await useStoreAuthState(db, 'a');
      await a.saveCreds();
      await a.state.keys.set({ 'lid-mapping': { x: '1' } });
      const b = await useStoreAuthState(db, 'b');
      expect(bytes(b.state.creds.noiseKey.private)).not.toBe(bytes(a.state.creds.noiseKey.private));
      expect(await b.state.keys.get('lid-mapping', ['x'])).toEqual({});
    });
  });
});
