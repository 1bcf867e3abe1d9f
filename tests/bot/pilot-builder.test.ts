/**
 * The pilot builder over HTTP (fastify.inject with real sessions and CSRF tokens): who may
 * build, read or not see a draft; bad edits and bad invitation files answered calmly; the
 * draft being a survey file the CLI validates as it is.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { draftFile } from '../../bot/web/dashboard/pages/builder/draft.ts';
import { Organisations } from '../../storage/organisations.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { Browser, createUser } from '../helpers/dashboard.ts';

let app: TestApp;
let code: string;
const researcher = () => new Browser(app.server);

beforeAll(async () => {
  app = await startTestApp();
  await new Organisations(app.db).add({ id: 'other', name: 'Other', now: new Date().toISOString() });
  await createUser(app.db, 'res@example.org', 'researcher', ['default']);
  await createUser(app.db, 'coord@example.org', 'coordinator', ['default']);
  await createUser(app.db, 'elsewhere@example.org', 'researcher', ['other']);
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

describe('pilot builder over HTTP', () => {
  it('lets a researcher start a draft, which `stemmen survey validate` accepts as it is', async () => {
    const b = researcher();
    await b.login('res@example.org');
    const form = await b.get('/pilots/new?indicators=housing,safety');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('value="housing" checked');
    const res = await b.post('/pilots/new', {
      _csrf: Browser.csrf(form.body),
      name: 'HTTP pilot',
      organisation: 'default',
      indicators: ['housing', 'safety'],
      languages: ['nl', 'ti'],
    });
    expect(res.statusCode).toBe(303);
    code = /^\/pilots\/([a-z0-9]+)\/build$/.exec(res.headers.location as string)![1]!;
    const page = await b.get(`/pilots/${code}/build`);
    expect(page.body).toContain('data-question="housing_suitable"');
    expect(page.body).toContain('data-no-problems');
    // Tigrinya texts carry their language for the browser.
    expect(page.body).toMatch(/<td lang="ti" dir="ltr">[\u1200-\u137F]/);
    const v = await stemmen(['survey', 'validate', draftFile(app.dir, code)], { DATA_DIR: app.dir, LOG_LEVEL: 'silent' });
    expect(v.code).toBe(0);
  });

  it('answers an edit naming no question of the draft calmly, changing nothing', async () => {
    const b = researcher();
    await b.login('res@example.org');
    const page = await b.get(`/pilots/${code}/build`);
    const res = await b.post(`/pilots/${code}/build`, { _csrf: Browser.csrf(page.body), op: 'add', id: 'no_such_question' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('That question is not in this draft or the bank');
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lets a coordinator of the organisation read the draft without forms, and refuses their edits', async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const page = await b.get(`/pilots/${code}/build`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('data-read-only');
    expect(page.body).not.toContain(`action="/pilots/${code}/create"`);
    const res = await b.post(`/pilots/${code}/build`, { _csrf: Browser.csrf(page.body), op: 'remove', id: 'housing_suitable' });
    expect(res.statusCode).toBe(403);
    expect((await b.get('/pilots/new')).statusCode).toBe(403);
  });

  it("hides another organisation's draft (404), like its pilots", async () => {
    const b = new Browser(app.server);
    await b.login('elsewhere@example.org');
    expect((await b.get(`/pilots/${code}/build`)).statusCode).toBe(404);
    const form = await b.get('/pilots/new');
    const res = await b.post('/pilots/new', { _csrf: Browser.csrf(form.body), name: 'x', organisation: 'default', indicators: 'work', languages: 'en' });
    expect(res.statusCode).toBe(403);
  });

  it('creates the pilot, then refuses an invitation list without a consent column, naming the fix', async () => {
    const b = researcher();
    await b.login('res@example.org');
    let page = await b.get(`/pilots/${code}/build`);
    await b.post(`/pilots/${code}/build`, {
      _csrf: Browser.csrf(page.body),
      op: 'settings',
      name: 'HTTP pilot',
      channels: ['whatsapp'],
      languages: ['nl', 'ti'],
    });
    page = await b.get(`/pilots/${code}/build`);
    const created = await b.post(`/pilots/${code}/create`, { _csrf: Browser.csrf(page.body) });
    expect(created.headers.location).toBe(`/pilots/${code}/launch`);
    const launch = await b.get(`/pilots/${code}/launch`);
    expect(launch.statusCode).toBe(200);
    const bad = await b.post(`/pilots/${code}/invitations`, { _csrf: Browser.csrf(launch.body), csv: 'phone,language\n+31612345678,nl\n' });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('list.csv: no consent column');
    expect(bad.body).not.toContain('612345678');
    expect((await b.get('/pilots/nosuch/launch')).statusCode).toBe(404);
  });

  it('shows a coordinator the launch page without the forms or the exact sending counts', async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const page = await b.get(`/pilots/${code}/launch`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('data-progress');
    expect(page.body).not.toContain('/invitations');
    expect((await b.get(`/pilots/${code}/campaigns/invite/status`)).statusCode).toBe(403);
  });

  it("freezes a created pilot's draft: its survey is live", async () => {
    const b = researcher();
    await b.login('res@example.org');
    const page = await b.get(`/pilots/${code}/build`);
    expect(page.body).toContain('data-created');
    const res = await b.post(`/pilots/${code}/build`, { _csrf: Browser.csrf(page.body), op: 'remove', id: 'housing_suitable' });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('This pilot has been created');
    expect(readFileSync(draftFile(app.dir, code), 'utf8')).toContain('housing_suitable');
  });

  it('plans a results message for nobody when nobody opted in, and asks for a text first', async () => {
    const b = researcher();
    await b.login('res@example.org');
    const launch = await b.get(`/pilots/${code}/launch`);
    const empty = await b.post(`/pilots/${code}/results`, { _csrf: Browser.csrf(launch.body), text_nl: ' ' });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Write the results message in at least one language');
    const sent = await b.post(`/pilots/${code}/results`, { _csrf: Browser.csrf(launch.body), text_nl: 'Dank je! Dit hebben we geleerd.' });
    expect(sent.headers.location).toBe(`/pilots/${code}/launch`);
    const status = await b.get(`/pilots/${code}/campaigns/results/status`);
    expect(JSON.parse(status.body)).toEqual({ planned: 0, sent: 0, failed: 0, suppressed: 0, total: 0 });
    const kind = await app.db.selectFrom('campaigns').select('kind').where('id', '=', `results-${code}`).executeTakeFirstOrThrow();
    expect(kind.kind).toBe('results');
  });
});
