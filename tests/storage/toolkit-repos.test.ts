import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import type { Db } from '../../storage/database.ts';
import { CampaignRepository } from '../../storage/campaigns.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { ReminderRepository } from '../../storage/reminders.ts';
import { Pseudonymizer } from '../../storage/pseudonym.ts';
import { Store } from '../../storage/store.ts';
import { SuppressionList } from '../../storage/suppression.ts';
import type { SessionState } from '../../surveys/engine/types.ts';
import { sessionState } from '../../scripts/dev/session-state.ts';
import { plainOutbox } from '../helpers/outbox.ts';

const pseudonyms = new Pseudonymizer(Buffer.alloc(32, 3));
const KEY_OF = (c: string, a: string) => pseudonyms.suppressionKey(c, a);

/** The pilot, reminder and campaign repositories, on SQLite and PostgreSQL alike. */
describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let store: Store;
  const now = '2026-03-01T10:00:00.000Z';
  const state = (over: Partial<SessionState> = {}): SessionState => sessionState(over, now);

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    store = new Store(db);
    await new PilotRepository(db).create(
      { code: 'p', name: 'Pilot', surveyId: 's', surveyVersion: 1, surveyFile: '/x/s.yaml', channels: ['telegram', 'whatsapp'] },
      now,
    );
    await store.transaction(async (tx) => {
      await tx.touchRespondent('r_1', 'telegram', '4711', now);
      await tx.saveSession({ id: 'sess1', respondentId: 'r_1', pilotCode: 'p', channel: 'telegram', expectedRevision: 0, state: state(), now });
    });
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('pilots: stored with their survey file and channels', async () => {
    const repo = new PilotRepository(db);
    expect(await repo.find('p')).toEqual({
      code: 'p',
      name: 'Pilot',
      surveyId: 's',
      surveyVersion: 1,
      surveyFile: '/x/s.yaml',
      municipality: null,
      channels: ['telegram', 'whatsapp'],
      organisationId: 'default',
      createdAt: now,
    });
    await expect(repo.create({ code: 'p', name: 'Again', surveyId: 's', surveyVersion: 1, surveyFile: null, channels: [] }, now)).rejects.toThrow(
      /already used by "Pilot"/,
    );
  });

  it('reminders: a step goes out once per revision, with its message in the outbox; the funnel counts it', async () => {
    const repo = new ReminderRepository(db, KEY_OF);
    const send = (step: number) =>
      repo.sendReminder({
        sessionId: 'sess1',
        revision: 1,
        step,
        now,
        build: () => [{ id: randomUUID(), payload: { text: `nudge ${step}` } }],
        outbox: plainOutbox,
      });
    expect((await send(0)).outcome).toBe('sent');
    expect((await send(0)).outcome).toBe('stale');
    expect((await send(1)).outcome).toBe('sent');
    expect((await repo.sendReminder({ sessionId: 'sess1', revision: 2, step: 0, now, build: () => [], outbox: plainOutbox })).outcome).toBe('stale');
    const outbox = await db.selectFrom('outbox').select(['address', 'payload']).orderBy('payload').execute();
    expect(outbox).toEqual([
      { address: '4711', payload: '{"text":"nudge 0"}' },
      { address: '4711', payload: '{"text":"nudge 1"}' },
    ]);

    const expired = await repo.expire({
      sessionId: 'sess1',
      revision: 1,
      now,
      apply: async (tx, t) =>
        tx.saveSession({
          id: t.sessionId,
          respondentId: t.respondentId,
          pilotCode: t.pilotCode,
          channel: t.channel,
          expectedRevision: t.revision,
          state: { ...t.state, phase: 'stopped' },
          now,
        }),
    });
    expect(expired.outcome).toBe('sent');
    expect(await new PilotRepository(db).funnel('p')).toEqual([
      // Counted from funnel events: this session was saved directly, so it was never "started" here.
      {
        language: 'ar',
        channel: 'telegram',
        invited: 0,
        started: 0,
        consented: 0,
        declined: 0,
        stopped: 0,
        completed: 0,
        reminded: 1,
        completedAfterReminder: 0,
        expired: 1,
        unreachable: 0,
      },
    ]);
  });

  it('campaigns: planned and sent once; progress and invitations counted per language', async () => {
    const repo = new CampaignRepository(db, KEY_OF);
    await repo.ensure('invite-p', 'p', 'invite', { nl: { text: 'Doe mee' } }, now);
    const invitee = { targetKey: 'r_inv', address: '31612345678@s.whatsapp.net', language: 'nl', plannedAt: now };
    expect(await repo.planInvitations('invite-p', [invitee], now)).toEqual({ added: ['r_inv'], already: 0 });
    expect(await repo.planInvitations('invite-p', [invitee], now)).toEqual({ added: [], already: 1 });
    expect(await repo.send('invite-p', 'r_inv', now, randomUUID, plainOutbox)).toEqual({
      outcome: 'sent',
      channel: 'whatsapp',
      address: '31612345678@s.whatsapp.net',
    });
    expect(await repo.send('invite-p', 'r_inv', now, randomUUID, plainOutbox)).toEqual({ outcome: 'done' });
    expect(await repo.progress('invite-p')).toEqual({ planned: 0, sent: 1, failed: 0, suppressed: 0, total: 1 });
    const funnel = await new PilotRepository(db).funnel('p');
    expect(funnel.find((r) => r.channel === 'whatsapp')).toEqual({
      language: 'nl',
      channel: 'whatsapp',
      invited: 1,
      started: 0,
      consented: 0,
      declined: 0,
      stopped: 0,
      completed: 0,
      reminded: 0,
      completedAfterReminder: 0,
      expired: 0,
      unreachable: 0,
    });
  });

  it('do-not-contact: a suppressed address gets no reminder and no campaign message, until lifted', async () => {
    const list = new SuppressionList(db, KEY_OF);
    await list.suppress('telegram', ['4711'], 'stop-mid-survey', now);
    const reminders = new ReminderRepository(db, KEY_OF);
    expect(
      (await reminders.sendReminder({ sessionId: 'sess1', revision: 1, step: 0, now, build: () => [{ id: randomUUID(), payload: {} }], outbox: plainOutbox }))
        .outcome,
    ).toBe('suppressed');
    const campaigns = new CampaignRepository(db, KEY_OF);
    await campaigns.ensure('invite-p', 'p', 'invite', { nl: { text: 'Doe mee' } }, now);
    await list.suppress('whatsapp', ['31612345678@s.whatsapp.net'], 'stop-first-message', now);
    await campaigns.planInvitations('invite-p', [{ targetKey: 'r_inv', address: '31612345678@s.whatsapp.net', language: 'nl', plannedAt: now }], now);
    expect(await campaigns.send('invite-p', 'r_inv', now, randomUUID, plainOutbox)).toEqual({ outcome: 'suppressed' });
    expect(await campaigns.progress('invite-p')).toEqual({ planned: 0, sent: 0, failed: 0, suppressed: 1, total: 1 });
    expect(await db.selectFrom('outbox').selectAll().execute()).toEqual([]);
    expect(await list.count()).toBe(2);
    // No address is stored, only keyed hashes.
    expect(JSON.stringify(await db.selectFrom('suppressions').selectAll().execute())).not.toMatch(/4711|31612345678/);
    expect(await list.lift('telegram', ['4711'], 'start-command', now)).toBe(true);
    expect(await list.isSuppressed('telegram', '4711')).toBe(false);
    expect(await db.selectFrom('suppressions').select(['source', 'lift_source']).where('channel', '=', 'telegram').execute()).toEqual([
      { source: 'stop-mid-survey', lift_source: 'start-command' },
    ]);
  });
});
