/**
 * Typed answers' translation state on SQLite and PostgreSQL: a text answer is stored pending
 * (or off), a tap gets no translation status at all, results land only on the revision they
 * were made for, the sweeper finds what is still pending, erasure finds the jobs to withdraw.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionState } from '../../scripts/dev/session-state.ts';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { TextTranslationRepo } from '../../storage/text-translations.ts';
import type { AnswerEffect } from '../../surveys/engine/types.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const AT = '2026-11-20T10:00:00.000Z';
const ctx = { sessionId: 's1', respondentId: 'r1', pilotCode: 'default', surveyId: 'default-pilot', surveyVersion: 1, channel: 'tryit' as const };
const answer = (id: string, question: string, value: AnswerEffect['value']): AnswerEffect => ({
  id,
  questionId: question,
  parentQuestionId: null,
  indicator: 'work',
  outcome: null,
  questionType: value.kind === 'text' ? 'text' : 'scale',
  value,
  language: 'ar',
  modality: value.kind === 'text' ? 'text' : 'button',
  promptForm: 'text',
  traffic: null,
  consentVersion: 1,
  answeredAt: AT,
  sourceMessageId: `k-${id}`,
});

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  let repo: TextTranslationRepo;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    repo = new TextTranslationRepo(db);
    await store.pilots.ensure('default', 'Default', 'default-pilot', 1, AT);
    await store.transaction(async (tx) => {
      await tx.touchRespondent('r1', 'tryit', 'token-xxxxxxxxxxxxxxx', AT);
      await tx.saveSession({
        id: 's1',
        respondentId: 'r1',
        pilotCode: 'default',
        channel: 'tryit',
        expectedRevision: 0,
        state: sessionState({ surveyId: 'default-pilot', language: 'ar', current: 'work_fair_why' }, AT),
        now: AT,
      });
    });
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('stores a typed answer pending, a tap without status; settles only the revision it was made for', async () => {
    const first = await store.transaction(async (tx) => {
      await tx.upsertAnswer(answer('a-tap', 'work_fair', { kind: 'number', number: 3 }), { ...ctx });
      return tx.upsertAnswer(answer('a-why', 'work_fair_why', { kind: 'text', text: 'العمل صعب' }), { ...ctx, translation: 'pending' });
    });
    expect(await repo.load('a-tap')).toBeUndefined();
    const tap = await db.selectFrom('answers').select('translation_status').where('id', '=', 'a-tap').executeTakeFirstOrThrow();
    expect(tap.translation_status).toBeNull();
    expect(await repo.load('a-why')).toEqual({ id: 'a-why', revision: 1, text: 'العمل صعب', language: 'ar', status: 'pending' });
    expect(await repo.pending('2026-11-21T00:00:00.000Z')).toEqual([{ id: 'a-why', revision: 1 }]);
    expect(await repo.pending(AT)).toEqual([]);

    // Answered again (after "back"): the old job's result is dropped.
    const second = await store.transaction((tx) =>
      tx.upsertAnswer(answer('a-why', 'work_fair_why', { kind: 'text', text: 'العمل متعب' }), { ...ctx, translation: 'pending' }),
    );
    expect(second.revision).toBe(2);
    expect(await repo.settle('a-why', first.revision, { en: 'old' }, 'ready')).toBe(false);
    expect(await repo.settle('a-why', 2, { en: '[en] work is tiring', nl: '[nl] werk is vermoeiend' }, 'ready')).toBe(true);
    const row = await db.selectFrom('answers').select(['translations', 'translation_status', 'value_text']).where('id', '=', 'a-why').executeTakeFirstOrThrow();
    expect(row).toEqual({
      translations: JSON.stringify({ en: '[en] work is tiring', nl: '[nl] werk is vermoeiend' }),
      translation_status: 'ready',
      value_text: 'العمل متعب',
    });
    // Settled is settled: a late duplicate job changes nothing.
    expect(await repo.settle('a-why', 2, null, 'failed')).toBe(false);
    expect(await repo.pending('2026-11-21T00:00:00.000Z')).toEqual([]);
    expect(await store.transaction((tx) => tx.typedAnswersOf('r1'))).toEqual([{ id: 'a-why', revision: 2 }]);
  });

  it('without MT_URL a typed answer is off and nobody sweeps it', async () => {
    await store.transaction((tx) => tx.upsertAnswer(answer('a-off', 'work_fair_why', { kind: 'text', text: 'x' }), { ...ctx, translation: 'off' }));
    expect((await repo.load('a-off'))?.status).toBe('off');
    expect(await repo.pending('2026-11-21T00:00:00.000Z')).toEqual([]);
  });
});
