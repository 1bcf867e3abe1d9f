/**
 * The workshop over HTTP against the real app: only members of the organisation see it
 * (another organisation's is a 404, as for pilots), viewers read but cannot save, every POST
 * needs the session's CSRF token, a save makes a new version, bad input gets a calm 400, and
 * the experience beside the team map keeps the minimum group size.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organisations } from '../../storage/organisations.ts';
import { Workshops } from '../../storage/workshops.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed } from '../helpers/dashboard.ts';

let app: TestApp;
const browsers = new Map<string, Browser>();
const as = (email: string) => browsers.get(email)!;
const URL_A = '/orgs/default/workshop';

beforeAll(async () => {
  // Minimum group size 3: the one respondent seeded below must not show as a colour.
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '3' });
  await new Organisations(app.db).add({ id: 'ngo-b', name: 'NGO B', now: new Date().toISOString() });
  await createUser(app.db, 'res-a@example.org', 'researcher', ['default']);
  await createUser(app.db, 'viewer-a@example.org', 'viewer', ['default']);
  await createUser(app.db, 'res-b@example.org', 'researcher', ['ngo-b']);
  const red = { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red' as const, number: 1 };
  await seed(app.db, 'default', [{ id: 'r1', language: 'nl', channel: 'tryit', answers: [red] }]);
  for (const email of ['res-a@example.org', 'viewer-a@example.org', 'res-b@example.org']) {
    const b = new Browser(app.server);
    expect((await b.login(email)).statusCode).toBe(303);
    browsers.set(email, b);
  }
});
afterAll(async () => {
  await app?.dispose();
});

describe('the workshop page', () => {
  it("is a 404 for another organisation's member, and for an organisation that does not exist", async () => {
    const b = as('res-b@example.org');
    // The start page links only the workshops of the user's own organisations.
    const start = (await b.get('/')).body;
    expect(start).toContain('href="/orgs/ngo-b/workshop"');
    expect(start).not.toContain('href="/orgs/default/workshop"');
    expect((await b.get(URL_A)).statusCode).toBe(404);
    expect((await b.get(`${URL_A}/print`)).statusCode).toBe(404);
    const page = await b.get('/orgs/ngo-b/workshop');
    expect(page.statusCode).toBe(200);
    expect((await b.post(URL_A, { _csrf: Browser.csrf(page.body), name: 'x', 'colour.work': 'red' })).statusCode).toBe(404);
    expect((await as('res-a@example.org').get('/orgs/nowhere/workshop')).statusCode).toBe(404);
  });

  it('needs the CSRF token on every POST', async () => {
    const b = as('res-a@example.org');
    for (const path of [URL_A, `${URL_A}/pilot`, `${URL_A}/expertpool`]) {
      const res = await b.post(path, { name: 'x', 'colour.work': 'red', indicators: 'work' });
      expect(res.statusCode).toBe(403);
    }
    expect(await new Workshops(app.db).find('default')).toBeUndefined();
  });

  it('saves a member’s colours as a new version, shows the combined map with words, and keeps small groups hidden', async () => {
    const b = as('res-a@example.org');
    const page = await b.get(URL_A);
    expect(page.statusCode).toBe(200);
    // Radio buttons with accessible names in the page's language, no script needed.
    expect(page.body).toContain('aria-label="Work and income: red: we know little"');
    expect(page.body).not.toContain('<script');
    const saved = await b.post(URL_A, {
      _csrf: Browser.csrf(page.body),
      name: 'Team A blind spots',
      'colour.work': 'red',
      'note.work': 'we only have UWV numbers',
      'colour.housing': 'green',
      'known.work': 'People want to work soon',
      'known_source.work': 'an assumption from intake talks',
    });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`${URL_A}?done=saved`);
    const after = await b.get(URL_A);
    expect(after.body).toContain('Team A blind spots');
    expect(after.body).toContain('data-version="1"');
    expect(after.body).toMatch(/data-row="work"><th scope="row">Work and income<\/th><td data-team="red">red: we know little/);
    expect(after.body).toContain('we only have UWV numbers');
    // One respondent is fewer than three: their red housing answer shows only as "too few".
    expect(after.body).toMatch(/data-indicator="housing">[\s\S]*?data-experience="none">Newcomers&#39; experience: too few people to show/);
    expect(after.body).not.toContain('data-experience="red"');

    const v = await as('viewer-a@example.org').get(URL_A);
    expect(v.statusCode).toBe(200);
    expect(v.body).toContain('data-row="work"');
    expect(v.body).not.toContain('name="colour.work"');
    expect(v.body).not.toContain('/workshop/pilot');
  });

  it('lets a viewer read but not save, plan or create', async () => {
    const v = as('viewer-a@example.org');
    const csrf = Browser.csrf((await v.get('/')).body);
    for (const path of [URL_A, `${URL_A}/pilot`, `${URL_A}/expertpool`]) {
      expect((await v.post(path, { _csrf: csrf, name: 'x', 'colour.work': 'green', indicators: 'work' })).statusCode).toBe(403);
    }
    expect((await new Workshops(app.db).versions((await new Workshops(app.db).find('default'))!.id)).length).toBe(1);
  });

  it('answers bad input calmly with a 400 naming the field', async () => {
    const b = as('res-a@example.org');
    const csrf = Browser.csrf((await b.get(URL_A)).body);
    const bad = await b.post(URL_A, { _csrf: csrf, name: 'x', 'colour.work': 'purple' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('colour.work');
    const none = await b.post(`${URL_A}/expertpool`, { _csrf: csrf, version: '1' });
    expect(none.statusCode).toBe(400);
    expect(none.body).toContain('tick at least one indicator');
    expect((await b.get(`${URL_A}?version=7`)).statusCode).toBe(404);
  });

  it('plans an expertpool for the ticked red indicator and shows it', async () => {
    const b = as('res-a@example.org');
    const csrf = Browser.csrf((await b.get(URL_A)).body);
    const res = await b.post(`${URL_A}/expertpool`, { _csrf: csrf, version: '1', indicators: 'work', note: 'with the job coaches' });
    expect(res.statusCode).toBe(303);
    const page = await b.get(URL_A);
    expect(page.body).toMatch(/data-planned="work"><td>Work and income<\/td><td>red: we know little<\/td><td>with the job coaches/);
  });

  it('opens an earlier version read-only and prints any version with text labels', async () => {
    const b = as('res-a@example.org');
    const csrf = Browser.csrf((await b.get(URL_A)).body);
    expect((await b.post(URL_A, { _csrf: csrf, name: 'Team A blind spots', 'colour.work': 'orange' })).statusCode).toBe(303);
    const old = await b.get(`${URL_A}?version=1`);
    expect(old.body).toContain('This is an earlier version');
    expect(old.body).not.toContain('name="colour.work"');
    expect(old.body).toMatch(/data-row="work"><th scope="row">Work and income<\/th><td data-team="red">/);
    const print = await b.get(`${URL_A}/print?version=2`);
    expect(print.statusCode).toBe(200);
    expect(print.body).toContain('data-version="2"');
    expect(print.body).toMatch(/data-row="work">[\s\S]*?orange: we know something/);
    expect(print.body).toContain('href="/workshop.css"');
    expect((await b.get('/workshop.css')).body).toContain('@page{size:A4');
  });
});
