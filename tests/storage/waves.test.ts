import { randomUUID } from 'node:crypto';
import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sessionState } from '../../scripts/dev/session-state.ts';
import type { Db } from '../../storage/database.ts';
import { migrateToLatest } from '../../storage/database.ts';
import { MIGRATIONS } from '../../storage/migrations/index.ts';
import { Store } from '../../storage/store.ts';
import { waveChange } from '../../storage/wave-change.ts';
import { waveCampaignId, WaveRepository } from '../../storage/waves.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const NOW = '2027-03-01T10:00:00.000Z';

/** Waves in storage, on SQLite and PostgreSQL alike: the migration, the wave repository and the change per indicator. */
describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  // Sessions written so far (SQLite has one connection: no read outside the open transaction).
  const sessions = new Set<string>();

  beforeEach(async () => {
    sessions.clear();
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  /** One answer of `rid` in `wave` on `indicator` with `light`, in that wave's session (created on first use). */
  async function answer(rid: string, wave: number, indicator: string, light: 'red' | 'orange' | 'green', question = `q-${indicator}`): Promise<void> {
    await store.transaction(async (tx) => {
      await tx.touchRespondent(rid, 'telegram', `addr-${rid}`, NOW);
      const sessionId = `${rid}-w${wave}`;
      if (!sessions.has(sessionId))
        await tx.saveSession({
          id: sessionId,
          respondentId: rid,
          pilotCode: 'p',
          channel: 'telegram',
          expectedRevision: 0,
          state: sessionState(),
          now: NOW,
          wave,
        });
      await tx.upsertAnswer(
        {
          id: randomUUID(),
          questionId: question,
          parentQuestionId: null,
          indicator,
          outcome: 'o',
          questionType: 'scale',
          value: { kind: 'number', number: light === 'red' ? 1 : 9 },
          language: 'en',
          modality: 'button',
          promptForm: 'text',
          traffic: light,
          consentVersion: 1,
          answeredAt: NOW,
          sourceMessageId: randomUUID(),
        },
        { sessionId, respondentId: rid, pilotCode: 'p', surveyId: 's', surveyVersion: 1, channel: 'telegram', wave },
      );
    });
    sessions.add(`${rid}-w${wave}`);
  }

  it('counts the change per indicator for the same people and for all, each person once per wave', async () => {
    await answer('r1', 1, 'work', 'red');
    await answer('r1', 2, 'work', 'green');
    // Two answers on one indicator: the person counts half red, half green.
    await answer('r2', 1, 'work', 'red');
    await answer('r2', 1, 'work', 'green', 'q-work-2');
    await answer('r2', 2, 'work', 'red');
    await answer('r3', 1, 'work', 'green');
    await answer('r4', 2, 'work', 'orange');
    await answer('r4', 3, 'work', 'red');
    await answer('r1', 1, 'housing', 'green');
    const rows = await waveChange(db, 'p', 1, 2);
    expect(rows.find((r) => r.indicator === 'work')).toEqual({
      indicator: 'work',
      same: { from: { n: 2, red: 1.5, green: 0.5 }, to: { n: 2, red: 1, green: 1 } },
      all: { from: { n: 3, red: 1.5, green: 1.5 }, to: { n: 3, red: 1, green: 1 } },
    });
    expect(rows.find((r) => r.indicator === 'housing')).toEqual({
      indicator: 'housing',
      same: { from: { n: 0, red: 0, green: 0 }, to: { n: 0, red: 0, green: 0 } },
      all: { from: { n: 1, red: 0, green: 1 }, to: { n: 0, red: 0, green: 0 } },
    });
    const v3 = await db.selectFrom('answers_v3').select(['respondent_id', 'wave']).where('respondent_id', '=', 'r4').orderBy('wave').execute();
    expect(v3).toEqual([
      { respondent_id: 'r4', wave: 2 },
      { respondent_id: 'r4', wave: 3 },
    ]);
  });

  it('keeps one session per respondent, pilot and wave', async () => {
    await answer('r1', 1, 'work', 'red');
    await answer('r1', 2, 'work', 'red');
    const state = sessionState();
    await expect(
      store.transaction((tx) =>
        tx.saveSession({ id: 'dup', respondentId: 'r1', pilotCode: 'p', channel: 'telegram', expectedRevision: 0, state, now: NOW, wave: 2 }),
      ),
    ).rejects.toThrow();
    await store.transaction(async (tx) => {
      const s = await tx.findSession('r1', 'p');
      expect(s).toMatchObject({ id: 'r1-w2', wave: 2 });
    });
  });

  it('opens waves in order; the current one is the newest already open; only invitees start in it; known answers are the latest', async () => {
    const waves = new WaveRepository(db);
    const inTx = <T>(fn: (tx: Parameters<Parameters<Store['transaction']>[0]>[0]) => Promise<T>) => store.transaction(fn);
    expect(await inTx((tx) => tx.waves.current('p', NOW))).toBe(1);
    expect(await waves.open('p', '2027-02-01T00:00:00.000Z', NOW, 'ops', 'after a year')).toBe(2);
    expect(await waves.open('p', '2027-09-01T00:00:00.000Z', NOW, null, null)).toBe(3);
    expect(await inTx((tx) => tx.waves.current('p', NOW))).toBe(2);
    expect(await inTx((tx) => tx.waves.current('other', NOW))).toBe(1);
    expect((await waves.list('p')).map((w) => [w.wave, w.opensAt, w.notes])).toEqual([
      [2, '2027-02-01T00:00:00.000Z', 'after a year'],
      [3, '2027-09-01T00:00:00.000Z', null],
    ]);

    await answer('r1', 1, 'work', 'red', 'residence');
    await answer('r1', 2, 'work', 'green', 'residence');
    await db.insertInto('pilots').values({ code: 'p', name: 'P', survey_id: 's', survey_version: 1, created_at: NOW }).execute();
    await db
      .insertInto('campaigns')
      .values({ id: waveCampaignId('p', 2), pilot_code: 'p', kind: 'wave', texts: '{}', created_at: NOW })
      .execute();
    const target = (key: string, status: 'planned' | 'sent') => ({
      campaign_id: waveCampaignId('p', 2),
      target_key: key,
      language: 'en',
      status,
      planned_at: NOW,
      sent_at: null,
      error: null,
    });
    await db
      .insertInto('campaign_targets')
      .values([target('r1', 'sent'), target('r2', 'planned')])
      .execute();
    expect(await inTx((tx) => tx.waves.invited('p', 2, 'r1'))).toBe(true);
    expect(await inTx((tx) => tx.waves.invited('p', 2, 'r2'))).toBe(false);
    expect(await inTx((tx) => tx.waves.invited('p', 3, 'r1'))).toBe(false);
    expect(await inTx((tx) => tx.waves.knownAnswers('r1', 'p', ['residence', 'nothing']))).toEqual({ residence: { kind: 'number', number: 9 } });
  });

  it('migrates rows written before waves to wave 1, and back down and up again', async () => {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => MIGRATIONS } });
    expect((await migrator.migrateTo('2026120209_login_attempts')).error).toBeUndefined();
    await db.insertInto('respondents').values({ id: 'old', created_at: NOW, last_seen_at: NOW, language: 'ar' }).execute();
    const session = { respondent_id: 'old', pilot_code: 'p', survey_id: 's', survey_version: 1, channel: 'telegram', phase: 'completed', language: 'ar' };
    await db
      .insertInto('sessions')
      .values({ id: 'old-s', ...session, state: '{}', state_version: 2, revision: 3, started_at: NOW, updated_at: NOW, completed_at: NOW })
      .execute();
    await db
      .insertInto('answers')
      .values({
        id: 'old-a',
        session_id: 'old-s',
        respondent_id: 'old',
        pilot_code: 'p',
        survey_id: 's',
        survey_version: 1,
        question_id: 'q',
        parent_question_id: null,
        indicator: 'work',
        outcome: 'o',
        question_type: 'scale',
        value_number: 3,
        value_choices: null,
        value_text: null,
        value_date: null,
        skipped: 0,
        language: 'ar',
        channel: 'telegram',
        modality: 'button',
        prompt_form: 'text',
        traffic_light: 'red',
        consent_version: 1,
        answered_at: NOW,
        source_message_id: 'm',
        revision: 1,
        media_kind: null,
        media_ref: null,
        media_status: null,
      })
      .execute();
    expect((await migrateToLatest(db)).error).toBeUndefined();
    expect(await db.selectFrom('sessions').select(['id', 'wave', 'revision']).execute()).toEqual([{ id: 'old-s', wave: 1, revision: 3 }]);
    expect(await db.selectFrom('answers_v3').select(['answer_id', 'wave', 'value_number']).execute()).toEqual([
      { answer_id: 'old-a', wave: 1, value_number: 3 },
    ]);
    expect(await db.selectFrom('answers_v2').select(['answer_id']).execute()).toEqual([{ answer_id: 'old-a' }]);
    // The rebuilt table still cascades an erasure to the answers.
    await db.deleteFrom('respondents').where('id', '=', 'old').execute();
    expect(await db.selectFrom('answers').select('id').execute()).toEqual([]);
  });
});
