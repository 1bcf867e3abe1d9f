import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Followup } from '../../storage/followup.ts';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { seed, type SeedAnswer } from '../helpers/dashboard.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let n = 0;
  const newId = () => `id${++n}`;
  const NOW = '2026-11-20T10:00:00.000Z';
  const redHousing: SeedAnswer = { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red', number: 1 };
  const greenWork: SeedAnswer = { questionId: 'work_fair', indicator: 'work', outcome: 'treated_fairly_at_work', light: 'green', number: 9 };

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  describe('follow-up cases', () => {
    it('opens one case per red indicator the respondent last agreed to be recontacted about', async () => {
      await seed(db, 'p', [
        { id: 'yes', language: 'nl', channel: 'tryit', answers: [redHousing, greenWork], recontact: ['housing', 'work'] },
        { id: 'no-consent', language: 'nl', channel: 'tryit', answers: [redHousing] },
        { id: 'changed-mind', language: 'nl', channel: 'tryit', answers: [redHousing], recontact: ['housing'] },
      ]);
      await db
        .insertInto('consents')
        .values({
          id: 'later-no',
          respondent_id: 'changed-mind',
          pilot_code: 'p',
          survey_id: 'default-pilot',
          kind: 'recontact',
          theme: 'housing',
          version: 1,
          granted: 0,
          recorded_at: '2026-11-02T00:00:00.000Z',
          source_message_id: 'x',
        })
        .execute();
      const f = new Followup(db);
      expect(await f.syncCases('p', newId, NOW)).toBe(1);
      expect(await f.syncCases('p', newId, NOW)).toBe(0);
      const cases = await f.list('p');
      expect(cases.map((c) => [c.respondentId, c.indicator, c.status, c.redAnswers, c.language])).toEqual([['yes', 'housing', 'open', 1, 'nl']]);
    });

    it('knows who is in the expertpool: the latest decision counts, and members without a red answer are listed per theme', async () => {
      await seed(db, 'p', [
        { id: 'pool-red', language: 'nl', channel: 'tryit', answers: [redHousing], recontact: ['housing'], expertpool: true },
        { id: 'pool-green', language: 'ar', channel: 'tryit', answers: [greenWork], recontact: ['work', 'housing'], expertpool: true },
        { id: 'said-no', language: 'nl', channel: 'tryit', answers: [redHousing], recontact: ['housing'], expertpool: false },
        { id: 'changed-mind', language: 'nl', channel: 'tryit', answers: [redHousing], recontact: ['housing'], expertpool: true },
      ]);
      await db
        .insertInto('consents')
        .values({
          id: 'later-no',
          respondent_id: 'changed-mind',
          pilot_code: 'p',
          survey_id: 'default-pilot',
          kind: 'expertpool',
          theme: null,
          version: 1,
          granted: 0,
          recorded_at: '2026-11-02T00:00:00.000Z',
          source_message_id: 'x',
        })
        .execute();
      const f = new Followup(db);
      await f.syncCases('p', newId, NOW);
      const cases = await f.list('p');
      expect(cases.map((c) => [c.respondentId, c.expertpool])).toEqual([
        ['changed-mind', false],
        ['pool-red', true],
        ['said-no', false],
      ]);
      const pool = await f.expertpool('p');
      expect(pool.map((m) => [m.respondentId, m.indicator, m.redAnswers, m.caseId !== null])).toEqual([
        ['pool-green', 'housing', 0, false],
        ['pool-red', 'housing', 1, true],
        ['pool-green', 'work', 0, false],
      ]);
      expect((await f.expertpool('p', 'work')).map((m) => m.respondentId)).toEqual(['pool-green']);
      // Only members get a case: someone who said no stays out, however they were selected.
      expect(await f.openExpertpoolCases('p', 'housing', ['pool-green', 'said-no', 'changed-mind'], newId, NOW)).toBe(1);
      const housing = await f.list('p', { indicator: 'housing' });
      expect(housing.find((c) => c.respondentId === 'pool-green')).toMatchObject({ status: 'open', redAnswers: 0, expertpool: true });
      expect(await f.openExpertpoolCases('p', 'housing', ['pool-green'], newId, NOW)).toBe(0);
    });

    it('goes with the respondent when they are erased; the audit log stays', async () => {
      await seed(db, 'p', [{ id: 'r', language: 'ar', channel: 'tryit', answers: [redHousing], recontact: ['housing'], address: 'tok' }]);
      const f = new Followup(db);
      await f.syncCases('p', newId, NOW);
      const [c] = await f.list('p');
      expect(await f.recipient(c!.id)).toEqual({ respondentId: 'r', channel: 'tryit', address: 'tok', language: 'ar' });
      await f.audit({ id: 'a1', at: NOW, actor: 'u1', action: 'invite', caseId: c!.id, detail: {} });
      await new Store(db).transaction((tx) => tx.eraseRespondent('r'));
      expect(await f.list('p')).toEqual([]);
      expect(await f.auditTrail(c!.id)).toHaveLength(1);
    });
  });
});
