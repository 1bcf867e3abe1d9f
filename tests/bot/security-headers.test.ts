/**
 * Security headers and the Content-Security-Policy over real HTTP, on the login page, the
 * dashboard pages and the try-it page: every inline script and stylesheet a page carries is
 * allowed by its hash (computed here, independently), nothing else inline is, and no page
 * has a style attribute the policy would block.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, seed } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';

let app: TestApp;
let admin: HttpBrowser;
beforeAll(async () => {
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '1' });
  await createUser(app.db, 'admin@example.org', 'admin');
  await seed(app.db, 'default', [
    {
      id: 'r1',
      language: 'nl',
      channel: 'tryit',
      completed: true,
      answers: [
        { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red', number: 2 },
        { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: 'Te klein' },
      ],
    },
  ]);
  admin = new HttpBrowser(app.url);
  expect((await admin.login('admin@example.org')).status).toBe(303);
}, 60_000);
afterAll(async () => {
  await app?.dispose();
});

const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
const directives = (csp: string) =>
  new Map(
    csp
      .split(';')
      .map((d) => d.trim().split(/\s+/) as [string, ...string[]])
      .map(([k, ...v]) => [k, v]),
  );

function expectHeaders(res: Response, page: string, body: string): void {
  expect(res.headers.get('x-content-type-options'), page).toBe('nosniff');
  expect(res.headers.get('x-frame-options'), page).toBe('DENY');
  expect(res.headers.get('referrer-policy'), page).toBe('same-origin');
  expect(res.headers.get('cross-origin-opener-policy'), page).toBe('same-origin');
  expect(res.headers.get('strict-transport-security'), page).toMatch(/^max-age=\d+/);
  const csp = directives(res.headers.get('content-security-policy') ?? '');
  expect(csp.get('default-src'), page).toEqual(["'self'"]);
  expect(csp.get('object-src'), page).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), page).toEqual(["'none'"]);
  expect(csp.get('script-src-attr'), page).toEqual(["'none'"]);
  expect(csp.get('media-src'), page).toEqual(["'self'"]);
  for (const d of ['script-src', 'style-src']) expect(csp.get(d), `${page} ${d}`).not.toContain("'unsafe-inline'");
  // Each inline block is allowed by its own hash (a JSON data block runs nothing and needs none); no inline style attribute or event handler exists.
  for (const m of body.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>([\s\S]*?)<\/script>/g))
    expect(csp.get('script-src'), page).toContain(hash(m[1]!));
  for (const m of body.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) expect(csp.get('style-src'), page).toContain(hash(m[1]!));
  expect(body, page).not.toMatch(/\sstyle="/);
  expect(body, page).not.toMatch(/\son[a-z]+="/);
}

describe('security headers', () => {
  it('are on the login page, and on the try-it page with its inline script and style allowed by hash', async () => {
    const login = await new HttpBrowser(app.url).get('/login');
    expect(login.status).toBe(200);
    expectHeaders(login, '/login', await login.text());
    const tryit = await fetch(`${app.url}/try`);
    const body = await tryit.text();
    expect(body).toContain('<script>');
    expectHeaders(tryit, '/try', body);
  });

  it('are on every dashboard page, whose only inline code is the stylesheet', async () => {
    for (const page of [
      '/',
      '/pilots/default',
      '/pilots/default/indicators/housing',
      '/pilots/default/queue',
      '/pilots/default/exports',
      '/admin/dead-letters',
    ]) {
      const res = await admin.get(page);
      expect(res.status, page).toBe(200);
      const body = await res.text();
      expect(body, page).not.toContain('<script');
      expectHeaders(res, page, body);
    }
  });

  it('are on JSON answers and refusals too', async () => {
    const res = await fetch(`${app.url}/healthz`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('content-security-policy')).toContain("default-src 'self'");
  });
});
