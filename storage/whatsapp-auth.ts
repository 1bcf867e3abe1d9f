/**
 * Baileys' login state (credentials and Signal keys) kept in the store's database.
 *
 * Why not Baileys' own `useMultiFileAuthState`: it writes each key with a plain `writeFile`
 * (no temp file + rename, no fsync), so a crash or full disk can leave a truncated JSON file
 * that it then silently reads as "no key"; a key set that spans many files is written file
 * by file, so a crash leaves half of it (e.g. a new Signal session without its identity key);
 * and its locks are in-process mutexes that protect nothing across processes. Baileys itself
 * says it is not meant for production. Here every `keys.set()` is one database transaction,
 * the database is already backed up and durable (WAL, synchronous=FULL), and the secrets sit
 * in one place with the rest of the data that needs protecting.
 *
 * Values are serialised exactly as the file store does (JSON with `BufferJSON`): each row
 * holds the text that store would have written to that key's file.
 * @module
 */
import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Db } from './database.ts';

/**
 * Rows per multi-row statement and ids per `in (…)` list. Baileys writes up to 812 pre-keys at
 * once; 100 rows × 5 values stays far below every bind-parameter limit (SQLite's old 999,
 * PostgreSQL's 65535) while still needing only a handful of statements.
 */
const ROWS_PER_STATEMENT = 100;
const IDS_PER_STATEMENT = 500;

export interface StoreAuthState {
  state: AuthenticationState;
  /** Writes `state.creds`; hook it to the socket's `creds.update` event. */
  saveCreds: () => Promise<void>;
  /**
   * Forgets this session's creds and keys (after a logout). The returned `state` is stale
   * afterwards: end the socket first, then call `useStoreAuthState` again for a fresh login,
   * or a late `saveCreds` would write the logged-out creds back.
   */
  clear: () => Promise<void>;
}

/**
 * Loads (or, when there is none yet, creates in memory) the login state of `session` — a name
 * for one WhatsApp account, so one database can hold several.
 */
export async function useStoreAuthState(db: Db, session: string): Promise<StoreAuthState> {
  const row = await db.selectFrom('whatsapp_creds').select('creds').where('session', '=', session).executeTakeFirst();
  const creds: AuthenticationCreds = row ? (JSON.parse(row.creds, BufferJSON.reviver) as AuthenticationCreds) : initAuthCreds();

  const keys: SignalKeyStore = {
    async get<T extends keyof SignalDataTypeMap>(type: T, ids: string[]): Promise<{ [id: string]: SignalDataTypeMap[T] }> {
      // Missing ids are left out rather than set to null: every caller in Baileys tests the
      // value for truthiness, and makeCacheableSignalKeyStore caches only what is present.
      const data: { [id: string]: SignalDataTypeMap[T] } = {};
      for (const chunk of chunks([...new Set(ids)], IDS_PER_STATEMENT)) {
        const rows = await db
          .selectFrom('whatsapp_keys')
          .select(['id', 'value'])
          .where('session', '=', session)
          .where('type', '=', type)
          .where('id', 'in', chunk)
          .execute();
        for (const r of rows) data[r.id] = revive(type, r.value);
      }
      return data;
    },

    async set(data: SignalDataSet): Promise<void> {
      const now = new Date().toISOString();
      const upserts: Array<{ session: string; type: string; id: string; value: string; updated_at: string }> = [];
      const deletes = new Map<string, string[]>();
      // Serialise everything before the transaction opens: a value that cannot be written
      // fails the whole set() without touching the database, and the write lock is held only
      // for the writes themselves.
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) {
            deletes.set(type, [...(deletes.get(type) ?? []), id]);
          } else {
            upserts.push({ session, type, id, value: serialise(value, `${type}/${id}`), updated_at: now });
          }
        }
      }
      if (upserts.length === 0 && deletes.size === 0) return;
      // One transaction for the whole set: Baileys writes related keys together (a changed
      // identity key with the removal of the session built on the old one; a batch of up to
      // 812 pre-keys; everything a decrypt changed, committed at once by its key-store
      // transactions), and a crash must leave either all of them or none.
      await db.transaction().execute(async (trx) => {
        for (const [type, ids] of deletes) {
          for (const chunk of chunks(ids, IDS_PER_STATEMENT)) {
            await trx.deleteFrom('whatsapp_keys').where('session', '=', session).where('type', '=', type).where('id', 'in', chunk).execute();
          }
        }
        for (const chunk of chunks(upserts, ROWS_PER_STATEMENT)) {
          await trx
            .insertInto('whatsapp_keys')
            .values(chunk)
            .onConflict((oc) =>
              oc.columns(['session', 'type', 'id']).doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), updated_at: eb.ref('excluded.updated_at') })),
            )
            .execute();
        }
      });
    },

    // Called by makeCacheableSignalKeyStore's clear(); the creds stay (see `clear` below for both).
    async clear(): Promise<void> {
      await db.deleteFrom('whatsapp_keys').where('session', '=', session).execute();
    },
  };

  const state: AuthenticationState = { creds, keys };

  return {
    state,
    async saveCreds() {
      // state.creds, not the loaded object: Baileys mutates it in place, but a caller may
      // also replace it, and what the socket uses is what must be saved.
      const value = serialise(state.creds, 'creds');
      const now = new Date().toISOString();
      await db
        .insertInto('whatsapp_creds')
        .values({ session, creds: value, updated_at: now })
        .onConflict((oc) => oc.column('session').doUpdateSet({ creds: value, updated_at: now }))
        .execute();
    },
    async clear() {
      await db.transaction().execute(async (trx) => {
        await trx.deleteFrom('whatsapp_keys').where('session', '=', session).execute();
        await trx.deleteFrom('whatsapp_creds').where('session', '=', session).execute();
      });
    },
  };
}

function serialise(value: unknown, what: string): string {
  // JSON.stringify returns undefined (despite its type) for functions and symbols; storing
  // that would fail on the NOT NULL column in the middle of the transaction instead of here.
  const json = JSON.stringify(value, BufferJSON.replacer) as string | undefined;
  if (json === undefined) throw new TypeError(`cannot store WhatsApp auth value ${what}: not JSON-serialisable`);
  return json;
}

function revive<T extends keyof SignalDataTypeMap>(type: T, json: string): SignalDataTypeMap[T] {
  const value: unknown = JSON.parse(json, BufferJSON.reviver);
  // As in Baileys' file store: app-state sync keys are used as protobuf messages, not plain objects.
  if (type === 'app-state-sync-key') return proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>) as unknown as SignalDataTypeMap[T];
  return value as SignalDataTypeMap[T];
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}
