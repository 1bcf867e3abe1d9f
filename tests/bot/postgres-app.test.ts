/**
 * The whole app on PostgreSQL (DATABASE_URL): a respondent completes the default pilot through
 * the try-it chat, and a researcher sees it on the map, the follow-up queue and in the export,
 * all served from PostgreSQL, with the same results SQLite gives.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/databases.ts';
import { Browser, completeWithRedAnswers, createUser } from '../helpers/dashboard.ts';

let testDb: TestDatabase;
let app: TestApp;
let client: TryitClient;
let rid: string;

beforeAll(async () => {
  testDb = await createTestDatabase('postgres');
  app = await startTestApp({ ...testDb.env, MAP_MIN_RESPONDENTS: '1' });
  client = new TryitClient(app.url, undefined, 'ar');
  rid = app.handler.respondentIdFor('tryit', client.token);
}, 60_000);
afterAll(async () => {
  await app?.dispose();
  await testDb?.dispose();
});

const completed = async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed';

describe('the app on PostgreSQL', () => {
  it('runs on PostgreSQL, not on a SQLite file', () => {
    expect(app.store.shared).toBe(true);
    expect(app.config.databaseUrl).toBe(testDb.location.databaseUrl);
  });

  it('completes the default pilot through try-it', async () => {
    await completeWithRedAnswers(client, 'ar', completed);
    const answers = await app.db.selectFrom('answers_v2').selectAll().where('respondent_id', '=', rid).execute();
    expect(answers.length).toBeGreaterThanOrEqual(17);
    expect(new Set(answers.map((a) => a.indicator).filter((i) => i !== null)).size).toBe(14); // background answers carry none
    expect(answers.every((a) => a.language === 'ar' && a.channel === 'tryit' && a.revision === 1 && a.skipped === 0)).toBe(true);
    expect(answers.some((a) => typeof a.value_number === 'number')).toBe(true);
    expect(JSON.stringify(answers)).not.toContain(client.token);
    expect(await app.db.selectFrom('outbox').selectAll().execute()).toEqual([]);
  }, 60_000);

  it('answers a retried message without recording it twice', async () => {
    const other = new TryitClient(app.url, undefined, 'en');
    await other.send({ command: 'start' });
    await other.send({ button: 'lang:en' });
    await other.send({ button: 'consent:yes' });
    expect((await other.send({ text: '2019', messageId: 'same' })).outcome).toBe('handled');
    expect((await other.send({ text: '2019', messageId: 'same' })).outcome).toBe('duplicate');
    const rows = await app.db
      .selectFrom('answers')
      .select(['question_id', 'revision'])
      .where('respondent_id', '=', app.handler.respondentIdFor('tryit', other.token))
      .execute();
    expect(rows).toEqual([{ question_id: 'arrival_year', revision: 1 }]);
  });

  it('shows the answers on the dashboard: map, follow-up queue and export', async () => {
    await createUser(app.db, 'admin@example.org', 'admin');
    const b = new Browser(app.server);
    await b.login('admin@example.org');
    const map = await b.get('/pilots/default');
    expect(map.statusCode).toBe(200);
    expect(map.body.match(/data-indicator="\w+" data-aggregate="red"/g)?.length).toBeGreaterThan(0);
    expect((await b.get('/')).body).toMatch(/data-funnel="default">/);
    const queue = await b.get('/pilots/default/queue');
    expect(queue.statusCode).toBe(200);
    const cases = await app.db.selectFrom('followup_cases').select('indicator').where('respondent_id', '=', rid).execute();
    expect(cases.length).toBeGreaterThan(0);
    const csv = await b.get('/pilots/default/exports/answers.csv');
    expect(csv.statusCode).toBe(200);
    const stored = await app.db
      .selectFrom('answers')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(csv.body.trim().split('\n')).toHaveLength(Number(stored.n) + 1);
  });
});
