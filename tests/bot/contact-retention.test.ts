/**
 * Contacts kept only while needed, through the real app (try-it over HTTP, the handler, the
 * store) on SQLite and PostgreSQL: completing without a recontact yes releases the address in
 * the same transaction as the last reply, which is still delivered from the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { completeWithRedAnswers } from '../helpers/dashboard.ts';

describe.each(STORE_KINDS)('%s', (kind) => {
  let testDb: TestDatabase;
  let app: TestApp;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    app = await startTestApp(testDb.env);
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await testDb?.dispose();
  });

  const ridOf = (c: TryitClient) => app.handler.respondentIdFor('tryit', c.token);
  const contactsOf = async (c: TryitClient) =>
    (await app.db.selectFrom('contacts').select('address').where('respondent_id', '=', ridOf(c)).execute()).map((r) => r.address);
  const completed = (c: TryitClient) => async () =>
    (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', ridOf(c)).executeTakeFirst())?.phase === 'completed';

  it('keeps the address of someone halfway through', async () => {
    const c = new TryitClient(app.url, undefined, 'en');
    await c.send({ command: 'start' });
    await c.send({ button: 'lang:en' });
    await c.send({ button: 'consent:yes' });
    await c.send({ text: '2019' });
    expect(await contactsOf(c)).toEqual([c.token]);
  });

  it('forgets the address of someone who completed without a recontact yes; the last reply still arrives, and so does a later one', async () => {
    const c = new TryitClient(app.url, undefined, 'en');
    const last = await completeWithRedAnswers(c, 'en', completed(c), { recontact: 'no' });
    expect(last.messages.at(-1)?.text).toMatch(/^Thank you very much!/);
    expect(await contactsOf(c)).toEqual([]);
    expect(await app.db.selectFrom('outbox').select('id').where('address', '=', c.token).execute()).toEqual([]);
    const granted = await app.db
      .selectFrom('consents')
      .select(['kind', 'granted'])
      .where('respondent_id', '=', ridOf(c))
      .where('kind', '!=', 'participation')
      .execute();
    expect(granted.length).toBeGreaterThan(0);
    expect(granted.every((g) => g.granted === 0)).toBe(true);
    // Their answers stay: only the address went.
    expect(await app.db.selectFrom('answers').select('id').where('respondent_id', '=', ridOf(c)).execute()).not.toEqual([]);

    // Writing again later gets a calm answer (the reply is routed by the message itself).
    const again = await c.send({ text: 'hello?' });
    expect(again.messages.map((m) => m.text).join('\n')).toMatch(/already finished this survey/);
    expect(await contactsOf(c)).toEqual([]);
  }, 60_000);

  it('keeps the address of someone who agreed to be contacted again, until the sweep finds that withdrawn', async () => {
    const c = new TryitClient(app.url, undefined, 'en');
    await completeWithRedAnswers(c, 'en', completed(c));
    expect(await contactsOf(c)).toEqual([c.token]);
    expect(await app.store.contacts.sweep()).toBe(0);
    expect(await contactsOf(c)).toEqual([c.token]);

    // Every recontact and expertpool yes withdrawn later (as a staff correction would record it).
    const yes = await app.db
      .selectFrom('consents')
      .selectAll()
      .where('respondent_id', '=', ridOf(c))
      .where('kind', 'in', ['recontact', 'expertpool'])
      .where('granted', '=', 1)
      .execute();
    expect(yes.length).toBeGreaterThan(0);
    const later = new Date(Date.now() + 60_000).toISOString();
    await app.db
      .insertInto('consents')
      .values(yes.map((y, i) => ({ ...y, id: `withdrawn-${i}`, granted: 0, recorded_at: later })))
      .execute();
    expect(await app.store.contacts.sweep()).toBe(1);
    expect(await contactsOf(c)).toEqual([]);
  }, 60_000);
});
