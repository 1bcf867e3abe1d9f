/**
 * The login limit holds under parallel attempts: each attempt is counted (atomically, in the
 * store) before its password is checked, so of 40 concurrent wrong passwords with a limit of 5
 * only 5 reach the password check; the rest, and then the right password, get the calm 429
 * page until the window has passed. Real fastify over HTTP, on SQLite and PostgreSQL.
 */
import { verify } from '@node-rs/argon2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Auth } from '../../bot/web/auth.ts';
import { Accounts } from '../../storage/accounts.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { createUser } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';

describe.each(STORE_KINDS)('login limit on %s', (kind) => {
  let testDb: TestDatabase;
  let app: TestApp;
  let clock = new Date('2026-12-02T10:00:00.000Z');

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    // The HTTP rate limit is off here: this is about the store's count of failed logins.
    app = await startTestApp({ ...testDb.env, LOGIN_MAX_FAILURES: '5', LOGIN_RATE_LIMIT: '0' }, { now: () => clock });
    await createUser(app.db, 'admin@example.org', 'admin');
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await testDb?.dispose();
  });

  it('checks at most 5 of 40 parallel wrong passwords, refuses the rest and then the right one until the window passes', async () => {
    const b = new HttpBrowser(app.url);
    const _csrf = await b.loginToken();
    const form = { email: 'admin@example.org', password: 'wrong password, guessed', _csrf };
    const answers = await Promise.all(Array.from({ length: 40 }, () => b.postForm('/login', form, { accept: 'text/html' })));
    const statuses = answers.map((r) => r.status);
    // 401 = the password was checked and was wrong; 429 = refused before any check.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(35);
    // Retry-After: the rest of the 15-minute window (the clock stands still here).
    expect(answers[statuses.indexOf(429)]!.headers.get('retry-after')).toBe(String(15 * 60));
    const refused = await answers[statuses.indexOf(429)]!.text();
    expect(refused).toContain('Too many failed attempts. Wait 15 minutes and try again.');
    expect(refused).toContain('<form method="post" action="/login"');

    const right = await b.login('admin@example.org');
    expect(right.status).toBe(429);
    expect(b.cookies.has('stemmen_session')).toBe(false);

    clock = new Date(clock.getTime() + 16 * 60_000);
    const later = await b.login('admin@example.org');
    expect(later.status).toBe(303);
    expect(b.cookies.has('stemmen_session')).toBe(true);
  }, 60_000);

  it('runs the password check at most 5 times for 40 parallel attempts (a counting verifier)', async () => {
    let checks = 0;
    const counting = (hash: string, password: string) => {
      checks++;
      return verify(hash, password);
    };
    const auth = new Auth(new Accounts(app.db), { sessionHours: 1, maxFailures: 5, now: () => clock }, counting);
    const results = await Promise.all(Array.from({ length: 40 }, () => auth.login('Someone@Example.org', 'not the password', '192.0.2.40')));
    expect(checks).toBe(5);
    expect(results.filter((r) => !r.ok && r.reason === 'rate_limited')).toHaveLength(35);
  }, 60_000);

  it('does not count a successful login against the limit', async () => {
    const b = new HttpBrowser(app.url);
    for (let i = 0; i < 7; i++) expect((await b.login('admin@example.org')).status).toBe(303);
  }, 30_000);
});
