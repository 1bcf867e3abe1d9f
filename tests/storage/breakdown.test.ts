/**
 * The split report reads on SQLite and PostgreSQL: groups from each respondent's latest
 * background answer, "prefer not to say", skips and no answer as "not answered", a multi-choice
 * answer in each of its groups, and the group filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_ANSWERED } from '../../storage/breakdown.ts';
import type { Db } from '../../storage/database.ts';
import { Reports } from '../../storage/reports.ts';
import { SplitReports } from '../../storage/split-reports.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { seed, type SeedAnswer } from '../helpers/dashboard.ts';

const status = (choice: string, extra: Partial<SeedAnswer> = {}): SeedAnswer => ({
  questionId: 'residence_status',
  indicator: null,
  outcome: null,
  light: null,
  choices: [choice],
  ...extra,
});
const housing = (light: 'red' | 'green'): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number: light === 'red' ? 2 : 9,
});
const support = (choices: string[]): SeedAnswer => ({ questionId: 'support', indicator: null, outcome: null, light: null, choices });
const split = { question: 'residence_status', values: ['asylum', 'permit', 'temp_protection'] };

describe.each(STORE_KINDS)('breakdown by group on %s', (kind) => {
  let t: TestDatabase;
  let db: Db;
  beforeAll(async () => {
    t = await createTestDatabase(kind);
    db = t.open();
    await seed(db, 'default', [
      { id: 'a1', language: 'nl', channel: 'telegram', answers: [status('asylum'), housing('red'), support(['family', 'ngo'])] },
      { id: 'a2', language: 'nl', channel: 'telegram', completed: true, answers: [status('asylum'), housing('red'), support(['family'])] },
      { id: 'p1', language: 'ar', channel: 'whatsapp', completed: true, answers: [status('permit'), housing('green'), support(['ngo'])] },
      { id: 'n1', language: 'ar', channel: 'whatsapp', answers: [status('prefer_not'), housing('green')] },
      { id: 'n2', language: 'ar', channel: 'whatsapp', answers: [status('asylum', { skipped: true, choices: [] }), housing('red')] },
      { id: 'n3', language: 'en', channel: 'tryit', answers: [housing('green')] },
    ]);
  });
  afterAll(async () => {
    await db?.destroy();
    await t?.dispose();
  });

  it('splits the map into one GROUP BY cell per group, with "not answered" for no answer, a skip and prefer not to say', async () => {
    const rows = await new SplitReports(db).peopleLights('indicator', 'default', {}, split);
    const byGroup = Object.fromEntries(rows.map((r) => [r.group, r]));
    expect(byGroup.asylum).toEqual({ group: 'asylum', key: 'housing', red: 2, orange: 0, green: 0, n: 2 });
    expect(byGroup.permit).toEqual({ group: 'permit', key: 'housing', red: 0, orange: 0, green: 1, n: 1 });
    expect(byGroup[NOT_ANSWERED]).toEqual({ group: NOT_ANSWERED, key: 'housing', red: 1, orange: 0, green: 2, n: 3 });
    expect(byGroup.temp_protection).toBeUndefined();
    const sizes = await new SplitReports(db).groupSizes('default', { language: 'ar' }, split);
    expect(sizes.sort((a, b) => a.group.localeCompare(b.group))).toEqual([
      { group: NOT_ANSWERED, n: 2 },
      { group: 'permit', n: 1 },
    ]);
  });

  it('counts a person with several choices in each of their groups', async () => {
    const rows = await new SplitReports(db).peopleLights('outcome', 'default', {}, { question: 'support', values: ['family', 'ngo'] }, 'housing');
    expect(rows.map((r) => [r.group, r.key, r.n]).sort()).toEqual([
      ['family', 'suitable_home', 2],
      ['ngo', 'suitable_home', 2],
      [NOT_ANSWERED, 'suitable_home', 3],
    ]);
  });

  it('filters every report to one group, "not answered" included', async () => {
    const reports = new Reports(db);
    expect(await reports.lightsByIndicator('default', { group: { question: 'residence_status', value: 'asylum' } })).toEqual([
      { key: 'housing', light: 'red', n: 2 },
    ]);
    const none = await reports.respondentsOfIndicator('default', 'housing', { group: { question: 'residence_status', value: NOT_ANSWERED } });
    expect(none.total).toBe(3);
    const values = await reports.valueCounts('default', 'housing', { group: { question: 'residence_status', value: 'permit' } });
    expect(values).toEqual([{ questionId: 'housing_suitable', number: 9, choices: null, n: 1 }]);
  });

  it('splits the funnel from sessions: started and completed per group', async () => {
    const rows = await new SplitReports(db).funnel('default', split);
    expect(rows.sort((a, b) => a.group.localeCompare(b.group))).toEqual([
      { group: 'asylum', started: 2, completed: 1 },
      { group: NOT_ANSWERED, started: 3, completed: 0 },
      { group: 'permit', started: 1, completed: 1 },
    ]);
  });
});
