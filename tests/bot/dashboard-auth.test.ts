import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed } from '../helpers/dashboard.ts';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ LOGIN_MAX_FAILURES: '3', MAP_MIN_RESPONDENTS: '1' });
  await createUser(app.db, 'admin@example.org', 'admin');
  await createUser(app.db, 'res@example.org', 'researcher');
  await createUser(app.db, 'coord@example.org', 'coordinator');
  await createUser(app.db, 'res2@example.org', 'researcher');
  await seed(app.db, 'default', [
    {
      id: 'r1',
      language: 'nl',
      channel: 'tryit',
      completed: true,
      answers: [{ questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: '<script>alert("x")</script> & "quotes"' }],
    },
  ]);
});
afterAll(async () => {
  await app.dispose();
});

const PUBLIC = new Set(['/healthz', '/try', '/try/api/messages', '/try/api/prompts/:id', '/login', '/language/:lng']);
const SAMPLE: Record<string, string> = { code: 'default', id: 'x', indicator: 'work', file: 'answers.csv', lng: 'nl' };

describe('dashboard gate', () => {
  it('refuses every non-public route without a login: 303 to /login for pages, 401 otherwise', async () => {
    const guarded = app.routes.filter((r) => !PUBLIC.has(r.url) && r.method !== 'HEAD');
    expect(guarded.length).toBeGreaterThan(15);
    for (const r of guarded) {
      const url = r.url.replace(/:(\w+)/g, (_m, p: string) => SAMPLE[p] ?? 'x');
      const res = await app.server.inject({ method: r.method as 'GET', url });
      if (res.statusCode === 303) expect(res.headers.location, `${r.method} ${r.url}`).toMatch(/^\/login\?next=/);
      else expect(res.statusCode, `${r.method} ${r.url}`).toBe(401);
      expect(res.body).not.toContain('alert');
    }
  });

  it("keeps health and the respondents' try-it chat open", async () => {
    expect((await app.server.inject({ url: '/healthz' })).statusCode).toBe(200);
    expect((await app.server.inject({ url: '/try' })).statusCode).toBe(200);
  });

  it('logs in with a session cookie (HttpOnly, Secure, SameSite) and out again', async () => {
    const b = new Browser(app.server);
    const res = await b.login('admin@example.org');
    expect(res.statusCode).toBe(303);
    const cookie = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('stemmen_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Lax/);
    const home = await b.get('/');
    expect(home.statusCode).toBe(200);
    expect(home.body).toContain('Default pilot');
    const stored = await app.db.selectFrom('auth_sessions').select('token_hash').execute();
    expect(stored.map((s) => s.token_hash)).not.toContain(b.cookies.get('stemmen_session'));
    expect((await b.post('/logout', { _csrf: Browser.csrf(home.body) })).statusCode).toBe(303);
    expect((await b.get('/')).statusCode).toBe(303);
  });

  it('refuses a login form without its CSRF token', async () => {
    const b = new Browser(app.server);
    await b.get('/login');
    const res = await b.post('/login', { email: 'admin@example.org', password: 'a long test password', _csrf: 'forged' });
    expect(res.statusCode).toBe(403);
    expect(b.cookies.has('stemmen_session')).toBe(false);
  });

  it("refuses forms of a logged-in user without the session's CSRF token", async () => {
    const b = new Browser(app.server);
    await b.login('coord@example.org');
    const res = await b.post('/pilots/default/queue/invite', { template: 'session', when: '2026-12-01T10:00', cases: 'x' });
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('This form has expired');
  });

  it('rate-limits failed logins per email, even when the right password follows', async () => {
    const b = new Browser(app.server, '10.0.0.1');
    for (let i = 0; i < 3; i++) expect((await b.login('res@example.org', 'wrong password here')).statusCode).toBe(401);
    const locked = await b.login('res@example.org');
    expect(locked.statusCode).toBe(429);
    expect(locked.body).toContain('Too many failed attempts');
    // Another address may still log in as someone else.
    expect((await new Browser(app.server, '10.0.0.2').login('admin@example.org')).statusCode).toBe(303);
  });

  it('gives each role only its pages', async () => {
    const coordinator = new Browser(app.server, '10.0.1.1');
    await coordinator.login('coord@example.org');
    const refused = await coordinator.get('/pilots/default/exports');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('Your role (coordinator) may not open this page.');
    expect((await coordinator.get('/pilots/default/queue')).statusCode).toBe(200);
    const researcher = new Browser(app.server, '10.0.1.2');
    await researcher.login('res2@example.org');
    expect((await researcher.get('/pilots/default/exports')).statusCode).toBe(200);
    expect((await researcher.get('/pilots/default/queue')).statusCode).toBe(403);
    expect((await researcher.get('/pilots/default')).statusCode).toBe(200);
  });

  it('escapes answers (untrusted text) on the drill-down page, and speaks Dutch when asked', async () => {
    const b = new Browser(app.server, '10.0.2.1');
    await b.login('admin@example.org');
    const en = await b.get('/pilots/default/indicators/housing');
    expect(en.statusCode).toBe(200);
    expect(en.body).not.toContain('<script>alert');
    expect(en.body).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;');
    await b.get('/language/nl?next=/');
    const nl = await b.get('/pilots/default');
    expect(nl.body).toContain('Stoplichtkaart');
    expect(nl.body).toContain('<html lang="nl" dir="ltr">');
  });

  it('answers bad filters with a 400 naming the field', async () => {
    const b = new Browser(app.server, '10.0.3.1');
    await b.login('admin@example.org');
    const res = await b.get('/pilots/default?from=yesterday');
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('from: use YYYY-MM-DD');
    expect((await b.get('/pilots/nope')).statusCode).toBe(404);
  });
});
