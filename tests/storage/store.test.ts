import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { migrateToLatest, type Db } from '../../storage/database.ts';
import { MIGRATIONS } from '../../storage/migrations/index.ts';
import { ConcurrentUpdateError, Store } from '../../storage/store.ts';
import { Pseudonymizer, loadOrCreateSecret } from '../../storage/pseudonym.ts';
import type { AnswerEffect, SessionState } from '../../surveys/engine/types.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    // Every migration ran (createTestDatabase migrated); running again finds nothing to do.
    const { error, results } = await migrateToLatest(db);
    expect(error).toBeUndefined();
    expect(results).toEqual([]);
    store = new Store(db);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const now = '2026-03-01T10:00:00.000Z';
  const state = (over: Partial<SessionState> = {}): SessionState => sessionState(over, now);
  const answer = (over: Partial<AnswerEffect> = {}): AnswerEffect => ({
    id: 'a1',
    questionId: 'q1',
    parentQuestionId: null,
    indicator: 'work',
    outcome: 'enough_income',
    questionType: 'scale',
    value: { kind: 'number', number: 3 },
    language: 'ar',
    modality: 'button',
    promptForm: 'text',
    traffic: 'red',
    consentVersion: 1,
    answeredAt: now,
    sourceMessageId: 'k1',
    ...over,
  });
  const where = { sessionId: 'sess1', respondentId: 'r_1', pilotCode: 'p', surveyId: 's', surveyVersion: 1, channel: 'telegram' as const };

  async function seed() {
    await store.transaction(async (tx) => {
      await tx.touchRespondent('r_1', 'telegram', '4711', now);
      await tx.saveSession({ id: 'sess1', respondentId: 'r_1', pilotCode: 'p', channel: 'telegram', expectedRevision: 0, state: state(), now });
    });
  }

  describe('store', () => {
    if (kind === 'sqlite') {
      it('is in WAL mode with foreign keys on', async () => {
        const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(db);
        expect(mode.rows[0]?.journal_mode).toBe('wal');
        const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
        expect(fk.rows[0]?.foreign_keys).toBe(1);
      });
    } else {
      it('returns counts and sums as numbers, as SQLite does', async () => {
        await seed();
        await store.transaction((tx) => tx.upsertAnswer(answer(), where));
        const r = await db
          .selectFrom('answers')
          .select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('revision').as('s')])
          .executeTakeFirstOrThrow();
        expect(r).toEqual({ n: 1, s: 1 });
      });
    }

    it('exposes answers through the answers_v1 view with its documented columns', async () => {
      await seed();
      await store.transaction((tx) => tx.upsertAnswer(answer(), where));
      const rows = await db.selectFrom('answers_v1').selectAll().execute();
      expect(Object.keys(rows[0]!)).toEqual([
        'answer_id',
        'respondent_id',
        'pilot_code',
        'survey_id',
        'survey_version',
        'question_id',
        'parent_question_id',
        'indicator',
        'outcome',
        'question_type',
        'value_number',
        'value_choices',
        'value_text',
        'value_date',
        'skipped',
        'language',
        'channel',
        'modality',
        'prompt_form',
        'traffic_light',
        'consent_version',
        'answered_at',
        'source_message_id',
        'revision',
        'media_kind',
        'media_status',
      ]);
      expect(rows[0]).toMatchObject({ answer_id: 'a1', respondent_id: 'r_1', value_number: 3, traffic_light: 'red', skipped: 0, revision: 1 });
    });

    it('exposes answers_v2: answers_v1 plus duration, media error, transcript and translations', async () => {
      await seed();
      await store.transaction((tx) => tx.upsertAnswer(answer(), where));
      const v1 = Object.keys(await db.selectFrom('answers_v1').selectAll().executeTakeFirstOrThrow());
      const v2 = Object.keys(await db.selectFrom('answers_v2').selectAll().executeTakeFirstOrThrow());
      expect(v2).toEqual([
        ...v1,
        'media_duration_seconds',
        'media_error',
        'transcript',
        'transcript_language',
        'transcript_status',
        'translations',
        'translation_status',
      ]);
    });

    it('replaces an answer given again (after "back") and bumps its revision', async () => {
      await seed();
      await store.transaction((tx) => tx.upsertAnswer(answer(), where));
      await store.transaction((tx) => tx.upsertAnswer(answer({ id: 'a2', value: { kind: 'number', number: 8 }, traffic: 'green' }), where));
      const rows = await db.selectFrom('answers').select(['id', 'value_number', 'traffic_light', 'revision']).execute();
      expect(rows).toEqual([{ id: 'a1', value_number: 8, traffic_light: 'green', revision: 2 }]);
    });

    it('records a media answer as pending with its reference', async () => {
      await seed();
      await store.transaction((tx) =>
        tx.upsertAnswer(
          answer({
            questionType: 'media',
            value: { kind: 'media', media: { kind: 'voice', fileRef: 'AgAD', mimeType: 'audio/ogg', durationSeconds: 4 }, caption: null },
            traffic: null,
            modality: 'voice',
          }),
          where,
        ),
      );
      const row = await db.selectFrom('answers_v1').select(['media_kind', 'media_status']).executeTakeFirstOrThrow();
      expect(row).toEqual({ media_kind: 'voice', media_status: 'pending' });
    });

    it('refuses a session save computed from a stale revision', async () => {
      await seed();
      const save = (expectedRevision: number) =>
        store.transaction((tx) =>
          tx.saveSession({ id: 'sess1', respondentId: 'r_1', pilotCode: 'p', channel: 'telegram', expectedRevision, state: state({ answeredCount: 1 }), now }),
        );
      await save(1);
      await expect(save(1)).rejects.toBeInstanceOf(ConcurrentUpdateError);
    });

    it('rolls the whole message back when one write fails', async () => {
      await seed();
      await expect(
        store.transaction(async (tx) => {
          await tx.upsertAnswer(answer(), where);
          await tx.enqueueOutbound([
            { id: 'o1', respondentId: 'r_1', channel: 'telegram', address: '4711', payload: { text: 'x' }, createdAt: now, position: 0 },
          ]);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(await db.selectFrom('answers').selectAll().execute()).toEqual([]);
      expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    });

    it('claims a message once', async () => {
      await seed();
      const claim = () => store.transaction((tx) => tx.claimMessage('telegram', 'key-1', 'r_1', now));
      expect(await claim()).toBe(true);
      expect(await claim()).toBe(false);
    });

    it('keeps respondent and contact times to the minute, but always records a changed contact', async () => {
      const at = (seconds: number) => new Date(Date.parse(now) + seconds * 1000).toISOString();
      const touch = (seconds: number, respondentId = 'r_1') => store.transaction((tx) => tx.touchRespondent(respondentId, 'telegram', '4711', at(seconds)));
      const times = async () => ({
        seen: (await db.selectFrom('respondents').select('last_seen_at').where('id', '=', 'r_1').executeTakeFirstOrThrow()).last_seen_at,
        contact: await db
          .selectFrom('contacts')
          .select(['updated_at', 'respondent_id', 'unreachable_since'])
          .where('address', '=', '4711')
          .executeTakeFirstOrThrow(),
      });
      await touch(0);
      await touch(30);
      expect(await times()).toEqual({ seen: at(0), contact: { updated_at: at(0), respondent_id: 'r_1', unreachable_since: null } });
      await touch(61);
      expect(await times()).toEqual({ seen: at(61), contact: { updated_at: at(61), respondent_id: 'r_1', unreachable_since: null } });
      // Marked unreachable (they blocked the bot), then a message within the minute: the address works again.
      await db
        .updateTable('contacts')
        .set({ unreachable_since: at(62) })
        .where('address', '=', '4711')
        .execute();
      await touch(63);
      expect((await times()).contact).toEqual({ updated_at: at(63), respondent_id: 'r_1', unreachable_since: null });
      // The same address now speaks for someone else: recorded at once.
      await touch(64, 'r_2');
      expect((await times()).contact).toEqual({ updated_at: at(64), respondent_id: 'r_2', unreachable_since: null });
      // Erased meanwhile: the next message creates the rows again.
      await db.deleteFrom('respondents').where('id', '=', 'r_1').execute();
      await touch(65);
      expect((await times()).seen).toBe(at(65));
    });
    it('counts declines without any respondent data', async () => {
      await store.transaction(async (tx) => {
        await tx.countDecline('p', 's', 1);
        await tx.countDecline('p', 's', 1);
        await tx.countDecline('p', 's', 2);
      });
      const rows = await db.selectFrom('consent_declines').selectAll().orderBy('consent_version').execute();
      expect(rows.map((r) => [r.consent_version, r.count])).toEqual([
        [1, 2],
        [2, 1],
      ]);
    });

    it('forgets people who never consented once they have been silent long enough, and nobody else', async () => {
      await store.transaction(async (tx) => {
        await tx.touchRespondent('r_old', 'telegram', '1', '2026-01-01T00:00:00.000Z');
        await tx.touchRespondent('r_new', 'telegram', '2', '2026-03-01T00:00:00.000Z');
        await tx.touchRespondent('r_yes', 'telegram', '3', '2026-01-01T00:00:00.000Z');
        await tx.insertConsent(
          'c1',
          { kind: 'participation', theme: null, version: 1, granted: true, recordedAt: now, promptForm: 'text' },
          { respondentId: 'r_yes', pilotCode: 'p', surveyId: 's', messageId: 'k' },
        );
      });
      expect(await store.purgeUnconsented('2026-02-01T00:00:00.000Z')).toBe(1);
      const left = await db.selectFrom('respondents').select('id').orderBy('id').execute();
      expect(left.map((r) => r.id)).toEqual(['r_new', 'r_yes']);
      expect((await db.selectFrom('contacts').select('address').execute()).map((c) => c.address).sort()).toEqual(['2', '3']);
    });

    it('migrates down and up again', async () => {
      const { Migrator, NO_MIGRATIONS } = await import('kysely');
      const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
      const down = await migrator.migrateTo(NO_MIGRATIONS);
      expect(down.error).toBeUndefined();
      const tables =
        kind === 'sqlite'
          ? await sql<{ name: string }>`select name from sqlite_master where type in ('table','view') and name not like 'kysely%'`.execute(db)
          : await sql<{
              name: string;
            }>`select table_name as name from information_schema.tables where table_schema = current_schema() and table_name not like 'kysely%'`.execute(db);
      expect(tables.rows).toEqual([]);
      expect((await migrateToLatest(db)).results?.map((r) => r.status)).toEqual(Object.keys(MIGRATIONS).map(() => 'Success'));
    });
  });

  describe('identity links', () => {
    // Alias keys stand for keyed hashes of a phone-number JID ("pn") and a LID ("lid").
    const rid = (canonical: string) => `r_${canonical}`;
    const t1 = '2026-03-01T10:00:00.000Z';
    const t2 = '2026-03-02T10:00:00.000Z';
    const t3 = '2026-03-03T10:00:00.000Z';
    const links = async () =>
      (
        await db
          .selectFrom('identity_links')
          .select(['channel', 'alias_key', 'canonical_key', 'respondent_id'])
          .orderBy('channel')
          .orderBy('alias_key')
          .execute()
      ).map((l) => `${l.channel}:${l.alias_key}→${l.canonical_key}/${l.respondent_id}`);

    it('maps a LID seen later (with the phone number as its alt) to the phone number seen first', async () => {
      expect(await store.resolveIdentity('whatsapp', ['pn'], rid, t1)).toBe('pn');
      expect(await store.resolveIdentity('whatsapp', ['lid', 'pn'], rid, t2)).toBe('pn');
      expect(await store.resolveIdentity('whatsapp', ['lid'], rid, t3)).toBe('pn');
      expect(await links()).toEqual(['whatsapp:lid→pn/r_pn', 'whatsapp:pn→pn/r_pn']);
    });

    it('maps a phone number seen later (with the LID as its alt) to the LID seen first', async () => {
      expect(await store.resolveIdentity('whatsapp', ['lid'], rid, t1)).toBe('lid');
      expect(await store.resolveIdentity('whatsapp', ['pn', 'lid'], rid, t2)).toBe('lid');
      expect(await store.resolveIdentity('whatsapp', ['pn'], rid, t3)).toBe('lid');
      expect(await links()).toEqual(['whatsapp:lid→lid/r_lid', 'whatsapp:pn→lid/r_lid']);
    });

    it('links both addresses of a first message to its own address', async () => {
      expect(await store.resolveIdentity('whatsapp', ['lid', 'pn', 'lid'], rid, t1)).toBe('lid');
      expect(await links()).toEqual(['whatsapp:lid→lid/r_lid', 'whatsapp:pn→lid/r_lid']);
    });

    it('keeps unrelated people, and the same key on another channel, apart', async () => {
      expect(await store.resolveIdentity('whatsapp', ['pn-a', 'lid-a'], rid, t1)).toBe('pn-a');
      expect(await store.resolveIdentity('whatsapp', ['pn-b'], rid, t2)).toBe('pn-b');
      expect(await store.resolveIdentity('whatsapp', ['lid-b', 'pn-b'], rid, t3)).toBe('pn-b');
      expect(await store.resolveIdentity('whatsapp', ['lid-a'], rid, t3)).toBe('pn-a');
      expect(await store.resolveIdentity('telegram', ['pn-a'], rid, t3)).toBe('pn-a');
      expect(await links()).toEqual([
        'telegram:pn-a→pn-a/r_pn-a',
        'whatsapp:lid-a→pn-a/r_pn-a',
        'whatsapp:lid-b→pn-b/r_pn-b',
        'whatsapp:pn-a→pn-a/r_pn-a',
        'whatsapp:pn-b→pn-b/r_pn-b',
      ]);
    });

    it('keeps to the oldest link when two aliases first seen apart turn out to be one person', async () => {
      await store.resolveIdentity('whatsapp', ['lid'], rid, t2);
      await store.resolveIdentity('whatsapp', ['pn'], rid, t1);
      expect(await store.resolveIdentity('whatsapp', ['lid', 'pn', 'new'], rid, t3)).toBe('pn');
      expect(await links()).toEqual(['whatsapp:lid→lid/r_lid', 'whatsapp:new→pn/r_pn', 'whatsapp:pn→pn/r_pn']);
    });

    it('refuses to resolve nothing', async () => {
      await expect(store.resolveIdentity('whatsapp', [], rid, t1)).rejects.toThrow();
    });

    it('are removed with the respondent they point to', async () => {
      await store.resolveIdentity('whatsapp', ['pn', 'lid'], rid, t1);
      await store.resolveIdentity('whatsapp', ['other'], rid, t1);
      await store.transaction(async (tx) => {
        await tx.touchRespondent('r_pn', 'whatsapp', 'pn-address', t1);
        await tx.touchRespondent('r_other', 'whatsapp', 'other-address', t1);
      });
      await store.transaction((tx) => tx.eraseRespondent('r_pn'));
      expect(await links()).toEqual(['whatsapp:other→other/r_other']);
    });

    it('are purged with people who never consented, but not a link whose respondent is still being created', async () => {
      const old = '2026-01-01T00:00:00.000Z';
      const before = '2026-02-01T00:00:00.000Z';
      await store.resolveIdentity('whatsapp', ['gone', 'gone-lid'], rid, old);
      await store.resolveIdentity('whatsapp', ['yes'], rid, old);
      await store.resolveIdentity('whatsapp', ['orphan'], rid, old); // its message never got stored
      await store.resolveIdentity('whatsapp', ['arriving'], rid, now); // its message is being handled
      await store.transaction(async (tx) => {
        await tx.touchRespondent('r_gone', 'whatsapp', 'gone-address', old);
        await tx.touchRespondent('r_yes', 'whatsapp', 'yes-address', old);
        await tx.insertConsent(
          'c1',
          { kind: 'participation', theme: null, version: 1, granted: true, recordedAt: old, promptForm: 'text' },
          { respondentId: 'r_yes', pilotCode: 'p', surveyId: 's', messageId: 'k' },
        );
      });
      expect(await store.purgeUnconsented(before)).toBe(1);
      expect(await links()).toEqual(['whatsapp:arriving→arriving/r_arriving', 'whatsapp:yes→yes/r_yes']);
    });
  });
});

describe('pseudonyms', () => {
  it('are stable per secret and reveal nothing of the address', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stemmen-pseudonym-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const secretFile = join(dir, 'k', 'secret.key');
    const a = new Pseudonymizer(loadOrCreateSecret(secretFile));
    const b = new Pseudonymizer(loadOrCreateSecret(secretFile));
    const id = a.respondentId('whatsapp', '31612345678@s.whatsapp.net');
    expect(id).toBe(b.respondentId('whatsapp', '31612345678@s.whatsapp.net'));
    expect(id).toMatch(/^r_[A-Za-z0-9_-]{22}$/);
    expect(id).not.toContain('3161');
    expect(a.respondentId('telegram', '31612345678@s.whatsapp.net')).not.toBe(id);
    expect(new Pseudonymizer(Buffer.alloc(32, 7)).respondentId('whatsapp', '31612345678@s.whatsapp.net')).not.toBe(id);
  });
});
