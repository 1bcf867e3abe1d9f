/**
 * The hot paths (storage/sqlite-hot-path.ts, storage/postgres-hot-path.ts) write what kysely's
 * path in store-tx.ts writes: the same answer row for every kind of value, the same replacement
 * when a question is answered again, and session states read back as stored. Both paths run
 * here on one real database of each kind: the Store's transactions take the hot path, a plain
 * kysely transaction with a StoreTx of its own the other.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { StoreTx } from '../../storage/store-tx.ts';
import { SessionStateError } from '../../surveys/engine/state.ts';
import type { AnswerEffect, AnswerValue } from '../../surveys/engine/types.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';

const now = '2026-03-01T10:00:00.000Z';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    await store.transaction(async (tx) => {
      await tx.touchRespondent('r_1', 'telegram', '4711', now);
      for (const id of ['hot', 'kysely'])
        await tx.saveSession({ id, respondentId: 'r_1', pilotCode: id, channel: 'telegram', expectedRevision: 0, state: sessionState({}, now), now });
    });
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const answer = (id: string, value: AnswerValue): AnswerEffect => ({
    id,
    questionId: 'q1',
    parentQuestionId: 'q0',
    indicator: 'work',
    outcome: 'enough_income',
    questionType: 'scale',
    value,
    language: 'ti',
    modality: 'button',
    promptForm: 'audio',
    traffic: 'orange',
    consentVersion: 2,
    answeredAt: now,
    sourceMessageId: `k-${id}`,
  });

  const where = (sessionId: string, translation?: 'pending' | 'off') => ({
    sessionId,
    respondentId: 'r_1',
    pilotCode: sessionId,
    surveyId: 's',
    surveyVersion: 3,
    channel: 'telegram' as const,
    wave: 2,
    ...(translation ? { translation } : {}),
  });

  /** Writes through both paths; returns both stored rows without the columns that differ by design. */
  async function bothWrite(value: AnswerValue, translation?: 'pending' | 'off', run = 1) {
    const hot = await store.transaction((tx) => tx.upsertAnswer(answer(`hot-${run}`, value), where('hot', translation)));
    const plain = await db
      .transaction()
      .execute((trx) => new StoreTx(trx, kind === 'postgres').upsertAnswer(answer(`kysely-${run}`, value), where('kysely', translation)));
    const read = async (session: string) => {
      const {
        id: _id,
        session_id: _s,
        pilot_code: _p,
        source_message_id: _m,
        ...rest
      } = await db.selectFrom('answers').selectAll().where('session_id', '=', session).executeTakeFirstOrThrow();
      return rest;
    };
    return { hot, plain, hotRow: await read('hot'), plainRow: await read('kysely') };
  }

  const VALUES: Array<[string, AnswerValue, ('pending' | 'off')?]> = [
    ['a number', { kind: 'number', number: 7 }],
    ['choices', { kind: 'choices', choices: ['asylum', 'permit'] }],
    ['a date', { kind: 'date', date: '2026-02-28' }],
    ['a skip', { kind: 'skipped' }],
    ['a text to translate', { kind: 'text', text: 'ሰላም ኣሎኹ' }, 'pending'],
    ['a text without MT', { kind: 'text', text: 'ሰላም' }, 'off'],
    ['a recording with a caption', { kind: 'media', media: { kind: 'voice', fileRef: 'f1', mimeType: 'audio/ogg', durationSeconds: 4 }, caption: 'ኣብ ስራሕ' }],
    ['a recording without a caption', { kind: 'media', media: { kind: 'video', fileRef: 'f2' }, caption: null }],
  ];

  describe('hot path', () => {
    it.each(VALUES)('stores %s as kysely does', async (_what, value, translation) => {
      const w = await bothWrite(value, translation);
      expect(w.hotRow).toEqual(w.plainRow);
      expect(w.hot.revision).toBe(1);
      expect(w.hotRow).toMatchObject({ respondent_id: 'r_1', survey_version: 3, wave: 2, revision: 1, language: 'ti', prompt_form: 'audio' });
    });

    it('replaces an answer given again as kysely does: the new value, revision 2, the media pipeline started over', async () => {
      await bothWrite({ kind: 'media', media: { kind: 'voice', fileRef: 'f1' }, caption: null });
      // The media worker finished the first recording in both sessions.
      await db.updateTable('answers').set({ media_status: 'ready', media_file: 'x.ogg', transcript: 'hello', transcript_status: 'ready' }).execute();
      const again = await bothWrite({ kind: 'text', text: 'ሓቂ' }, 'pending', 2);
      expect(again.hot).toEqual({ id: 'hot-1', revision: 2 });
      expect(again.hotRow).toEqual(again.plainRow);
      expect(again.hotRow).toMatchObject({
        value_text: 'ሓቂ',
        media_ref: null,
        media_status: null,
        media_file: null,
        transcript: null,
        translation_status: 'pending',
      });
    });

    it('touches and claims as kysely does: a new person and address at once, a redelivery refused, a moved address reassigned', async () => {
      const rowsOf = async (respondent: string) => ({
        respondent: await db.selectFrom('respondents').select(['created_at', 'last_seen_at', 'language']).where('id', '=', respondent).executeTakeFirst(),
        contacts: await db
          .selectFrom('contacts')
          .select(['channel', 'created_at', 'updated_at', 'unreachable_since'])
          .where('respondent_id', '=', respondent)
          .execute(),
        inbox: await db.selectFrom('inbox').select(['channel', 'received_at']).where('respondent_id', '=', respondent).execute(),
      });
      const claimed: Record<string, boolean[]> = { hot: [], kysely: [] };
      for (const [path, address] of [
        ['hot', '5001'],
        ['kysely', '5002'],
      ] as const) {
        const claim = (respondent: string, key: string, at: string) =>
          path === 'hot'
            ? store.transaction((tx) => tx.touchAndClaim(respondent, 'telegram', address, `${path}-${key}`, at))
            : db.transaction().execute((trx) => new StoreTx(trx, kind === 'postgres').touchAndClaim(respondent, 'telegram', address, `${path}-${key}`, at));
        claimed[path]!.push(await claim(`${path}-a`, 'm1', now));
        claimed[path]!.push(await claim(`${path}-a`, 'm1', now)); // the same message again
        claimed[path]!.push(await claim(`${path}-a`, 'm2', '2026-03-01T10:05:00.000Z'));
        // The address now belongs to someone else (a shared phone): the contact follows.
        claimed[path]!.push(await claim(`${path}-b`, 'm3', '2026-03-01T10:05:30.000Z'));
      }
      expect(claimed.hot).toEqual([true, false, true, true]);
      expect(claimed.kysely).toEqual(claimed.hot);
      for (const who of ['a', 'b']) expect(await rowsOf(`hot-${who}`)).toEqual(await rowsOf(`kysely-${who}`));
      expect(await rowsOf('hot-a')).toMatchObject({ respondent: { last_seen_at: '2026-03-01T10:05:00.000Z' }, contacts: [], inbox: [{}, {}] });
      expect((await rowsOf('hot-b')).contacts).toEqual([
        { channel: 'telegram', created_at: now, updated_at: '2026-03-01T10:05:30.000Z', unreachable_since: null },
      ]);
    });

    /** A reply to queue on `address`, its text its id. */
    const reply = (address: string, id: string, createdAt: string, position: number) => ({
      id,
      respondentId: 'r_1',
      channel: 'telegram' as const,
      address,
      payload: { text: id },
      createdAt,
      position,
    });
    /** Queues through kysely's path (StoreTx without a hot path), the reference the hot paths are held to. */
    const plain = (rows: Parameters<StoreTx['enqueueOutbound']>[0]) =>
      db.transaction().execute((trx) => new StoreTx(trx, kind === 'postgres').enqueueOutbound(rows));

    it.each([
      ['to an address with nothing queued', null],
      ['after a queued reply stamped later (another process ahead)', '2026-03-01T10:00:00.005Z'],
      ['after a queued reply of the same millisecond', now],
    ])('queues several replies in one step %s, in order, as kysely does', async (_what, pendingAt) => {
      if (pendingAt) for (const address of ['6001', '6002']) await plain([reply(address, `pending-${address}`, pendingAt, 4)]);
      const replies = (address: string) => [0, 1, 2].map((i) => reply(address, `${address}-${i}`, now, i));
      await store.transaction((tx) => tx.enqueueOutbound(replies('6001')));
      await plain(replies('6002'));
      const read = (address: string) =>
        db
          .selectFrom('outbox')
          .select(['respondent_id', 'channel', 'payload', 'created_at', 'position', 'attempts', 'last_error', 'priority'])
          .where('address', '=', address)
          .orderBy('created_at')
          .orderBy('position')
          .execute();
      const hot = await read('6001');
      expect(hot.map((r) => ({ ...r, payload: r.payload.replace('6001', '') }))).toEqual(
        (await read('6002')).map((r) => ({ ...r, payload: r.payload.replace('6002', '') })),
      );
      // Placement after another process's rows is for a shared database; SQLite has one process.
      const placed = pendingAt && kind === 'postgres';
      const texts = hot.map((r) => JSON.parse(r.payload).text);
      expect(texts).toEqual(placed ? ['pending-6001', '6001-0', '6001-1', '6001-2'] : ['6001-0', '6001-1', '6001-2', ...(pendingAt ? ['pending-6001'] : [])]);
      expect(hot.filter((r) => !r.payload.includes('pending')).map((r) => [r.created_at, r.position])).toEqual(
        placed
          ? [
              [pendingAt, 5],
              [pendingAt, 6],
              [pendingAt, 7],
            ]
          : [
              [now, 0],
              [now, 1],
              [now, 2],
            ],
      );
    });

    it('queues a batch larger than one statement after a queued reply stamped later, as kysely does', async () => {
      const later = '2026-03-01T10:00:00.005Z';
      for (const address of ['7001', '7002']) await plain([reply(address, `pending-${address}`, later, 4)]);
      const batch = (address: string) => Array.from({ length: 250 }, (_, i) => reply(address, `${address}-${i}`, now, i));
      await store.transaction((tx) => tx.enqueueOutbound(batch('7001')));
      await plain(batch('7002'));
      const read = async (address: string) =>
        (
          await db
            .selectFrom('outbox')
            .select(['payload', 'created_at', 'position'])
            .where('address', '=', address)
            .orderBy('created_at')
            .orderBy('position')
            .execute()
        ).map((r) => [JSON.parse(r.payload).text.replace(address, ''), r.created_at, r.position]);
      const hot = await read('7001');
      expect(hot).toEqual(await read('7002'));
      expect(hot).toHaveLength(251);
      if (kind === 'postgres') expect(hot.slice(1)).toEqual(Array.from({ length: 250 }, (_, i) => [`-${i}`, later, 5 + i]));
    });

    it('reads back the session state it wrote, and still checks one written by someone else', async () => {
      const state = { ...sessionState({}, now), language: 'ti' };
      await store.transaction((tx) =>
        tx.saveSession({ id: 'hot', respondentId: 'r_1', pilotCode: 'hot', channel: 'telegram', expectedRevision: 1, state, now }),
      );
      expect((await store.transaction((tx) => tx.findSession('r_1', 'hot')))?.state).toEqual(state);
      // Another process (or a hand edit) leaves a state that is not valid: named, not used.
      await db
        .updateTable('sessions')
        .set({ state: JSON.stringify({ ...state, phase: 'dancing' }) })
        .where('id', '=', 'hot')
        .execute();
      await expect(store.transaction((tx) => tx.findSession('r_1', 'hot'))).rejects.toThrow(SessionStateError);
    });
  });
});
