import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { Store } from '../../storage/store.ts';
import { seed, type SeedRespondent } from '../helpers/dashboard.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  const LATER = '2026-11-05T10:00:00.000Z';

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    await store.pilots.ensure('p', 'Pilot', 'default-pilot', 1, LATER);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const person = (id: string, over: Partial<SeedRespondent> = {}): SeedRespondent => ({
    id,
    language: 'nl',
    channel: 'telegram',
    answers: [],
    completed: true,
    address: `addr-${id}`,
    ...over,
  });
  const addresses = async () => (await db.selectFrom('contacts').select('address').orderBy('address').execute()).map((c) => c.address);
  const withdraw = (id: string, kind: 'recontact' | 'expertpool', theme: string | null) =>
    db
      .insertInto('consents')
      .values({
        id: `no-${id}-${kind}`,
        respondent_id: id,
        pilot_code: 'p',
        survey_id: 'default-pilot',
        kind,
        theme,
        version: 1,
        granted: 0,
        recorded_at: LATER,
        source_message_id: 'x',
      })
      .execute();

  describe('contact retention', () => {
    it('keeps an address only for an open session, a current recontact or expertpool yes, a planned campaign message, an awaited RSVP or pending media', async () => {
      await seed(db, 'p', [
        person('done-no'),
        person('open', { completed: false }),
        person('recontact', { recontact: ['housing'] }),
        person('pool', { expertpool: true }),
        person('campaign'),
        person('invited'),
        person('media'),
      ]);
      await db.insertInto('campaigns').values({ id: 'k', pilot_code: 'p', kind: 'results', texts: '{}', created_at: LATER }).execute();
      await db
        .insertInto('campaign_targets')
        .values({ campaign_id: 'k', target_key: 'campaign', language: 'nl', status: 'planned', planned_at: LATER, sent_at: null, error: null })
        .execute();
      await db
        .insertInto('followup_cases')
        .values({
          id: 'f',
          pilot_code: 'p',
          respondent_id: 'invited',
          indicator: 'housing',
          status: 'invited',
          rsvp: null,
          notes: '',
          assignee_id: null,
          invitation: null,
          created_at: LATER,
          updated_at: LATER,
        })
        .execute();
      await db
        .insertInto('answers')
        .values({
          id: 'a-media',
          session_id: 's-media',
          respondent_id: 'media',
          pilot_code: 'p',
          survey_id: 'default-pilot',
          survey_version: 1,
          question_id: 'q',
          parent_question_id: null,
          indicator: 'health',
          outcome: 'o',
          question_type: 'text',
          value_number: null,
          value_choices: null,
          value_text: null,
          value_date: null,
          skipped: 0,
          language: 'nl',
          channel: 'telegram',
          modality: 'voice',
          prompt_form: 'text',
          traffic_light: null,
          consent_version: 1,
          answered_at: LATER,
          source_message_id: 'm',
          revision: 1,
          media_kind: 'voice',
          media_ref: '{"kind":"voice"}',
          media_status: 'pending',
        })
        .execute();

      expect(await store.transaction((tx) => tx.contacts.release('done-no'))).toBe(1);
      expect(await store.transaction((tx) => tx.contacts.release('recontact'))).toBe(0);
      expect(await store.contacts.sweep()).toBe(0);
      expect(await addresses()).toEqual(['addr-campaign', 'addr-invited', 'addr-media', 'addr-open', 'addr-pool', 'addr-recontact']);
      // Their answers and consents stay: only the address goes.
      expect(await db.selectFrom('consents').select('id').where('respondent_id', '=', 'done-no').execute()).not.toEqual([]);
    });

    it('the sweep removes addresses whose reason ended later: consent withdrawn, campaign sent, RSVP read, media settled, session stopped', async () => {
      await seed(db, 'p', [
        person('recontact', { recontact: ['housing', 'work'] }),
        person('pool', { expertpool: true }),
        person('open', { completed: false }),
        person('keeps', { recontact: ['health'] }),
      ]);
      // Withdrawing one theme of two keeps the address; withdrawing the last one releases it.
      await withdraw('recontact', 'recontact', 'housing');
      expect(await store.contacts.sweep()).toBe(0);
      await db
        .insertInto('consents')
        .values({
          id: 'no-work',
          respondent_id: 'recontact',
          pilot_code: 'p',
          survey_id: 'default-pilot',
          kind: 'recontact',
          theme: 'work',
          version: 1,
          granted: 0,
          recorded_at: LATER,
          source_message_id: 'y',
        })
        .execute();
      await withdraw('pool', 'expertpool', null);
      await db.updateTable('sessions').set({ phase: 'stopped' }).where('respondent_id', '=', 'open').execute();
      expect(await store.contacts.sweep()).toBe(3);
      expect(await addresses()).toEqual(['addr-keeps']);
    });
  });
});
