/**
 * The dashboard's repositories on SQLite and PostgreSQL: the same seeded answers give the same
 * counts (numbers, not PostgreSQL's int8 strings), in the same order (NULLs included), and
 * accounts, sessions, login throttling and API tokens behave alike.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordFunnelEvent } from '../../storage/funnel.ts';
import type { Db } from '../../storage/database.ts';
import { Accounts } from '../../storage/accounts.ts';
import { allAnswers, countAnswers } from '../../storage/answer-pages.ts';
import { Reports } from '../../storage/reports.ts';
import { seed, type SeedAnswer } from '../helpers/dashboard.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const housing = (light: 'red' | 'green', number: number, answeredAt = '2026-11-01T10:00:00.000Z'): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number,
  answeredAt,
});
const work: SeedAnswer = { questionId: 'work_has_paid_work', indicator: 'work', outcome: 'enough_income', light: 'green', choices: ['yes'] };
const said: SeedAnswer = { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: 'Te klein voor ons gezin' };

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    await seed(db, 'p', [
      { id: 'a', language: 'nl', channel: 'telegram', completed: true, answers: [housing('red', 2), work, said] },
      { id: 'b', language: 'nl', channel: 'telegram', answers: [housing('green', 9, '2026-11-05T00:00:00.000Z')] },
      { id: 'c', language: 'ar', channel: 'whatsapp', completed: true, answers: [housing('red', 2, '2026-11-07T00:00:00.000Z')] },
    ]);
    // Someone who has not chosen a language yet: a session without language, no consent.
    await db
      .insertInto('respondents')
      .values({ id: 'd', created_at: '2026-11-01T10:00:00.000Z', last_seen_at: '2026-11-01T10:00:00.000Z', language: null })
      .execute();
    await db
      .insertInto('sessions')
      .values({
        id: 's-d',
        respondent_id: 'd',
        pilot_code: 'p',
        survey_id: 'default-pilot',
        survey_version: 1,
        channel: 'telegram',
        phase: 'language',
        language: null,
        state: '{}',
        state_version: 1,
        revision: 1,
        started_at: '2026-11-01T10:00:00.000Z',
        updated_at: '2026-11-01T10:00:00.000Z',
        completed_at: null,
      })
      .execute();
    await recordFunnelEvent(db, { pilotCode: 'p', surveyId: 'default-pilot', language: null, channel: 'telegram' }, 'started', '2026-11-01T10:00:00.000Z');
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  describe('reports', () => {
    it('count lights per indicator and outcome, with filters', async () => {
      const r = new Reports(db);
      const byKey = (rows: Array<{ key: string; light: string; n: number }>) => rows.map((x) => `${x.key}:${x.light}:${x.n}`).sort();
      expect(byKey(await r.lightsByIndicator('p'))).toEqual(['housing:green:1', 'housing:red:2', 'work:green:1']);
      expect(byKey(await r.lightsByIndicator('p', { language: 'nl', from: '2026-11-02T00:00:00.000Z' }))).toEqual(['housing:green:1']);
      expect(byKey(await r.lightsByOutcome('p', 'housing', { channel: 'telegram' }))).toEqual(['suitable_home:green:1', 'suitable_home:red:1']);
    });

    it('count each respondent once: several answers of one person share out their weight, and group sizes are distinct people', async () => {
      await seed(db, 'q', [
        {
          id: 'x',
          language: 'nl',
          channel: 'telegram',
          answers: [housing('red', 1), { ...housing('red', 2), questionId: 'housing_safe' }, { ...housing('green', 9), questionId: 'housing_afford' }],
        },
        { id: 'y', language: 'nl', channel: 'telegram', answers: [housing('green', 8)] },
      ]);
      const r = new Reports(db);
      const byKey = (rows: Array<{ key: string; light: string; n: number }>) => rows.map((x) => `${x.key}:${x.light}:${x.n}`).sort();
      expect(byKey(await r.lightsByIndicator('q'))).toEqual(['housing:green:1.333', 'housing:red:0.667']);
      expect(await r.respondentsWithLights('indicator', 'q')).toEqual([{ key: 'housing', n: 2 }]);
      expect(await r.respondentsWithLights('outcome', 'q', {}, 'housing')).toEqual([{ key: 'suitable_home', n: 2 }]);
      const group = await r.respondentsOfIndicator('p', 'housing');
      expect(group.total).toBe(3);
      expect([...group.byQuestion].sort()).toEqual([
        ['housing_suitable', 3],
        ['housing_why', 1],
      ]);
    });

    it('count values per question, and list written answers', async () => {
      const r = new Reports(db);
      const values = (await r.valueCounts('p', 'housing')).map((v) => [v.questionId, v.number, v.n]).sort();
      expect(values).toEqual([
        ['housing_suitable', 2, 2],
        ['housing_suitable', 9, 1],
      ]);
      expect(await r.valueCounts('p', 'work')).toEqual([{ questionId: 'work_has_paid_work', number: null, choices: ['yes'], n: 1 }]);
      expect((await r.freeTextAnswers('p', 'housing')).map((t) => t.text)).toEqual(['Te klein voor ons gezin']);
    });

    it('build the funnel per language and channel, a session without language first, and the filter menus', async () => {
      const r = new Reports(db);
      expect(await r.funnel('p')).toEqual([
        {
          language: null,
          channel: 'telegram',
          started: 1,
          consented: 0,
          declined: 0,
          stopped: 0,
          completed: 0,
          reminded: 0,
          completedAfterReminder: 0,
          unreachable: 0,
        },
        {
          language: 'ar',
          channel: 'whatsapp',
          started: 1,
          consented: 1,
          declined: 0,
          stopped: 0,
          completed: 1,
          reminded: 0,
          completedAfterReminder: 0,
          unreachable: 0,
        },
        {
          language: 'nl',
          channel: 'telegram',
          started: 2,
          consented: 2,
          declined: 0,
          stopped: 0,
          completed: 1,
          reminded: 0,
          completedAfterReminder: 0,
          unreachable: 0,
        },
      ]);
      expect(await r.facets('p')).toEqual({ languages: ['ar', 'nl'], channels: ['telegram', 'whatsapp'] });
    });

    it('page through every answer by id', async () => {
      expect(await countAnswers(db, 'p')).toBe(5);
      const pages: string[][] = [];
      for await (const page of allAnswers(db, 'p', 2)) pages.push(page.map((a) => a.answer_id));
      expect(pages.map((p) => p.length)).toEqual([2, 2, 1]);
      expect(pages.flat()).toEqual(['a-a-0', 'a-a-1', 'a-a-2', 'a-b-0', 'a-c-0']);
    });
  });

  describe('accounts', () => {
    it('keep users, sessions until they expire, login failures and API tokens', async () => {
      const a = new Accounts(db);
      const now = '2026-11-20T10:00:00.000Z';
      expect(await a.upsertUser({ id: 'u1', email: 'coord@example.org', role: 'coordinator', passwordHash: 'h1', now })).toBe(true);
      expect(await a.upsertUser({ id: 'u2', email: 'coord@example.org', role: 'admin', passwordHash: 'h2', now })).toBe(false);
      expect(await a.listUsers()).toEqual([{ id: 'u1', email: 'coord@example.org', role: 'admin', organisations: [] }]);
      await a.orgs.add({ id: 'ngo', name: 'An NGO', now });
      await a.orgs.setMembership('u1', 'ngo', 'viewer');
      await a.orgs.setMembership('u1', 'default', 'coordinator');
      await a.orgs.setMembership('u1', 'ngo', 'researcher');
      await a.createSession({ tokenHash: 't1', userId: 'u1', csrfToken: 'c1', now, expiresAt: '2026-11-20T22:00:00.000Z' });
      expect(await a.findSession('t1', now)).toEqual({
        user: {
          id: 'u1',
          email: 'coord@example.org',
          role: 'admin',
          organisations: [
            { organisationId: 'default', role: 'coordinator' },
            { organisationId: 'ngo', role: 'researcher' },
          ],
        },
        csrfToken: 'c1',
      });
      await db.insertInto('pilots').values({ code: 'p', name: 'P', survey_id: 'default-pilot', survey_version: 1, created_at: now }).execute();
      expect(await a.orgs.assignPilot('p', 'ngo')).toBe(true);
      expect(await a.orgs.assignPilot('nope', 'ngo')).toBe(false);
      expect(await a.findSession('t1', '2026-11-21T00:00:00.000Z')).toBeUndefined();
      // Login attempts: one counter per key and window, raised atomically, released when an attempt did not fail.
      const since = '2026-11-20T09:45:00.000Z';
      const count = async (now: string, from = since, keys = ['email:coord@example.org', 'ip:10.0.0.1']) =>
        Object.fromEntries([...(await a.countLoginAttempts(keys, now, from))].map(([k, v]) => [k, v]));
      expect(await count('2026-11-20T09:50:00.000Z')).toEqual({
        'email:coord@example.org': { attempts: 1, windowStart: '2026-11-20T09:50:00.000Z' },
        'ip:10.0.0.1': { attempts: 1, windowStart: '2026-11-20T09:50:00.000Z' },
      });
      const parallel = await Promise.all(Array.from({ length: 8 }, () => count('2026-11-20T09:51:00.000Z')));
      // Each attempt got its own count, the same on both keys (they move together), in the first window.
      expect(parallel.map((p) => p['email:coord@example.org']!.attempts).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9]);
      for (const p of parallel) expect(p['ip:10.0.0.1']).toEqual(p['email:coord@example.org']);
      await a.releaseLoginAttempt('email:coord@example.org', '2026-11-20T09:50:00.000Z');
      await a.releaseLoginAttempt('email:coord@example.org', '2026-11-20T09:00:00.000Z'); // an old window: no effect
      expect((await count('2026-11-20T09:52:00.000Z'))['email:coord@example.org']!.attempts).toBe(9);
      // After the window a new one starts at 1.
      expect((await count('2026-11-20T10:10:00.000Z', '2026-11-20T09:55:00.000Z', ['email:coord@example.org']))['email:coord@example.org']).toEqual({
        attempts: 1,
        windowStart: '2026-11-20T10:10:00.000Z',
      });
      await a.forgetLoginAttempts('2026-11-20T09:55:00.000Z');
      expect(await db.selectFrom('login_attempts').select('key').execute()).toEqual([{ key: 'email:coord@example.org' }]);
      await a.createToken({ id: 'k1', tokenHash: 'th1', pilotCode: 'p', label: 'M&E', now });
      expect(await a.tokenPilot('th1')).toBe('p');
      expect(await a.revokeToken('k1', now)).toBe(true);
      expect(await a.revokeToken('k1', now)).toBe(false);
      expect(await a.tokenPilot('th1')).toBeUndefined();
    });
  });
});
