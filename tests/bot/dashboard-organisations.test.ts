import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organisations } from '../../storage/organisations.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed } from '../helpers/dashboard.ts';

// Organisation A is the default one (pilot "default"); organisation B owns pilot "other".
let app: TestApp;
const browsers = new Map<string, Browser>();
const as = (email: string) => browsers.get(email)!;
let caseB: string;

beforeAll(async () => {
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '1' });
  const orgs = new Organisations(app.db);
  const now = new Date().toISOString();
  await orgs.add({ id: 'ngo-b', name: 'NGO B', now });
  await app.store.pilots.ensure('other', 'Other pilot', 'default-pilot', 1, now);
  await orgs.assignPilot('other', 'ngo-b');
  await createUser(app.db, 'admin@example.org', 'admin');
  await createUser(app.db, 'viewer@example.org', 'viewer', ['default']);
  await createUser(app.db, 'coord-a@example.org', 'coordinator', ['default']);
  await createUser(app.db, 'res-b@example.org', 'researcher', ['ngo-b']);
  await createUser(app.db, 'both@example.org', 'viewer', ['default']);
  await orgs.setMembership(
    (await app.db.selectFrom('users').select('id').where('email', '=', 'both@example.org').executeTakeFirstOrThrow()).id,
    'ngo-b',
    'researcher',
  );
  const red = { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red' as const, number: 1 };
  const said = { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: 'Our flat is far too small' };
  await seed(app.db, 'default', [{ id: 'ra', language: 'nl', channel: 'tryit', answers: [red, said], recontact: ['housing'] }]);
  await seed(app.db, 'other', [{ id: 'rb', language: 'nl', channel: 'tryit', answers: [red], recontact: ['housing'] }]);
  caseB = 'case-b';
  await app.db
    .insertInto('followup_cases')
    .values({
      id: caseB,
      pilot_code: 'other',
      respondent_id: 'rb',
      indicator: 'housing',
      status: 'open',
      rsvp: null,
      notes: '',
      assignee_id: null,
      invitation: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
  for (const email of ['admin@example.org', 'viewer@example.org', 'coord-a@example.org', 'res-b@example.org', 'both@example.org']) {
    const b = new Browser(app.server);
    expect((await b.login(email)).statusCode).toBe(303);
    browsers.set(email, b);
  }
});
afterAll(async () => {
  await app.dispose();
});

describe('organisations and the viewer role', () => {
  it("gives a viewer the map and the drill-down's aggregates, but no quote", async () => {
    const v = as('viewer@example.org');
    const start = await v.get('/');
    expect(start.body).toContain('href="/pilots/default"');
    expect(start.body).not.toContain('/pilots/default/queue');
    expect(start.body).not.toContain('/pilots/default/exports');
    expect((await v.get('/pilots/default')).statusCode).toBe(200);
    const drill = await v.get('/pilots/default/indicators/housing');
    expect(drill.statusCode).toBe(200);
    expect(drill.body).toContain('data-question="housing_suitable"');
    expect(drill.body).not.toContain('Our flat is far too small');
    expect(drill.body).not.toContain('data-answer-text');
    // The same page shows the quote to a coordinator of the organisation.
    expect((await as('coord-a@example.org').get('/pilots/default/indicators/housing')).body).toContain('Our flat is far too small');
  });

  it('refuses a viewer quotes, exports and respondent pages with 403', async () => {
    const v = as('viewer@example.org');
    await as('coord-a@example.org').get('/pilots/default/queue');
    const c = await app.db.selectFrom('followup_cases').select('id').where('pilot_code', '=', 'default').executeTakeFirstOrThrow();
    for (const url of [
      '/pilots/default/exports',
      '/pilots/default/exports/answers.csv',
      '/pilots/default/queue',
      '/pilots/default/expertpool',
      `/cases/${c.id}`,
      '/answers/a-ra-1/media',
    ]) {
      const res = await v.get(url);
      expect(res.statusCode, url).toBe(403);
      expect(res.body, url).not.toContain('Our flat is far too small');
    }
  });

  it("answers 404 for another organisation's pilot, its pages and its cases", async () => {
    const b = as('res-b@example.org');
    expect((await b.get('/')).body).not.toContain('href="/pilots/default"');
    expect((await b.get('/')).body).toContain('href="/pilots/other"');
    for (const url of ['/pilots/default', '/pilots/default/indicators/housing', '/pilots/default/exports', '/pilots/default/exports/answers.csv']) {
      expect((await b.get(url)).statusCode, url).toBe(404);
    }
    expect((await b.get('/pilots/other/exports')).statusCode).toBe(200);
    const a = as('coord-a@example.org');
    expect((await a.get('/pilots/other')).statusCode).toBe(404);
    expect((await a.get('/pilots/other/queue')).statusCode).toBe(404);
    expect((await a.get(`/cases/${caseB}`)).statusCode).toBe(404);
    const page = await a.get('/pilots/default/queue');
    // Only staff of the pilot's organisation (and admins) can be assignees: no other organisation's emails, no viewers.
    const own = await app.db.selectFrom('followup_cases').select('id').where('pilot_code', '=', 'default').executeTakeFirstOrThrow();
    const casePage = await a.get(`/cases/${own.id}`);
    expect(casePage.body).toContain('admin@example.org');
    expect(casePage.body).not.toContain('res-b@example.org');
    expect(casePage.body).not.toContain('viewer@example.org');
    const post = await a.post(`/cases/${caseB}`, { status: 'closed', assignee: '', notes: '', _csrf: Browser.csrf(page.body) });
    expect(post.statusCode).toBe(404);
    expect((await app.db.selectFrom('followup_cases').select('status').where('id', '=', caseB).executeTakeFirstOrThrow()).status).toBe('open');
  });

  it("uses the role a user has in the pilot's own organisation, and lets admins see every organisation", async () => {
    const both = as('both@example.org');
    expect((await both.get('/pilots/other/exports')).statusCode).toBe(200);
    expect((await both.get('/pilots/default/exports')).statusCode).toBe(403);
    const admin = as('admin@example.org');
    for (const url of ['/pilots/default', '/pilots/other', '/pilots/other/exports', `/cases/${caseB}`])
      expect((await admin.get(url)).statusCode, url).toBe(200);
  });
});
