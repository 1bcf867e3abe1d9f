import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { AnswerIssueRepository } from '../../storage/answer-issues.ts';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';

/** The answer-issue counts, on SQLite and PostgreSQL alike. */
describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('counts per pilot, survey, question and code, most frequent first; outside a question is null', async () => {
    const at = (questionId: string | null, code: string, pilotCode = 'p') => ({ pilotCode, surveyId: 's', questionId, code });
    await store.transaction(async (tx) => {
      await tx.countAnswerIssue(at('q1', 'not_a_number'));
      await tx.countAnswerIssue(at('q1', 'not_a_number'));
      await tx.countAnswerIssue(at('q1', 'out_of_range'));
      await tx.countAnswerIssue(at(null, 'stale_button'));
    });
    await store.transaction((tx) => tx.countAnswerIssue(at('q1', 'not_a_number')));
    await store.transaction((tx) => tx.countAnswerIssue(at('q1', 'not_a_number', 'other')));
    const repo = new AnswerIssueRepository(db);
    expect(await repo.answerIssueCounts('p')).toEqual([
      { surveyId: 's', questionId: 'q1', code: 'not_a_number', count: 3 },
      { surveyId: 's', questionId: null, code: 'stale_button', count: 1 },
      { surveyId: 's', questionId: 'q1', code: 'out_of_range', count: 1 },
    ]);
    expect(await repo.answerIssueCounts('nobody')).toEqual([]);
  });

  it("counts nothing when the message's transaction rolls back", async () => {
    await expect(
      store.transaction(async (tx) => {
        await tx.countAnswerIssue({ pilotCode: 'p', surveyId: 's', questionId: 'q1', code: 'empty' });
        throw new Error('the session changed under us');
      }),
    ).rejects.toThrow(/changed under us/);
    expect(await new AnswerIssueRepository(db).answerIssueCounts('p')).toEqual([]);
  });
});
