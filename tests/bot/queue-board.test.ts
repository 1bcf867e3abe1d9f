/**
 * Bull Board's buttons over real HTTP: its UI sends PUTs without our CSRF token, so on its
 * API an admin's request is accepted with a same-origin proof (an Origin of this server or of
 * PUBLIC_URL, or Sec-Fetch-Site: same-origin) and refused when any header says cross-site,
 * when there is no proof, or for anyone but an admin. The effect is checked in Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';

const PUBLIC = 'https://stemmen.example.org';
let app: TestApp;
let admin: HttpBrowser;

beforeAll(async () => {
  app = await startTestApp({ PUBLIC_URL: `${PUBLIC}/` });
  await createUser(app.db, 'admin@example.org', 'admin');
  await createUser(app.db, 'coord@example.org', 'coordinator');
  admin = new HttpBrowser(app.url);
  expect((await admin.login('admin@example.org')).status).toBe(303);
}, 60_000);
afterAll(async () => {
  await app?.dispose();
});

const put = (b: HttpBrowser, path: string, headers: Record<string, string>) => b.request('PUT', `/admin/queues/api/queues/${path}`, { headers });

describe('Bull Board', () => {
  it('shows every queue: media, speech, maintenance, reminders and campaigns', async () => {
    const res = await admin.get('/admin/queues/api/queues');
    expect(res.status).toBe(200);
    const names = ((await res.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['campaigns', 'maintenance', 'media', 'reminders', 'speech']);
  });

  it("pauses and resumes a queue for an admin's same-origin request", async () => {
    expect((await put(admin, 'reminders/pause', { origin: app.url })).status).toBe(200);
    expect(await app.reminders.queue.isPaused()).toBe(true);
    expect((await put(admin, 'reminders/resume', { 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(await app.reminders.queue.isPaused()).toBe(false);
    // The configured public address counts as our origin too (a proxy may rewrite Host).
    expect((await put(admin, 'campaigns/pause', { origin: PUBLIC, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect(await app.campaigns.queue.isPaused()).toBe(true);
    expect((await put(admin, 'campaigns/resume', { origin: PUBLIC })).status).toBe(200);
    expect(await app.campaigns.queue.isPaused()).toBe(false);
  });

  it('refuses cross-site requests and requests without proof, and leaves the queue running', async () => {
    for (const headers of [
      { origin: 'https://evil.example' },
      { origin: app.url, 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { origin: 'null' },
      {},
    ]) {
      const res = await put(admin, 'media/pause', headers);
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(await res.text()).toContain('This form has expired');
    }
    expect(await app.media.queues.media.isPaused()).toBe(false);
  });

  it('refuses a non-admin even from our own origin', async () => {
    const coord = new HttpBrowser(app.url);
    expect((await coord.login('coord@example.org')).status).toBe(303);
    const res = await put(coord, 'media/pause', { origin: app.url, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(403);
    expect(await app.media.queues.media.isPaused()).toBe(false);
    expect((await put(new HttpBrowser(app.url), 'media/pause', { origin: app.url })).status).toBe(401);
  });

  it('serves its page with its own policy (no inline scripts) and without Google Fonts', async () => {
    const res = await admin.get('/admin/queues');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    const body = await res.text();
    expect(body).toContain('static/js/main.');
    expect(body).not.toContain('fonts.googleapis.com');
  });
});
