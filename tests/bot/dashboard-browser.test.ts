/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): log in, see
 * the map of a seeded pilot, open a red indicator, invite a respondent, and see their RSVP —
 * given through the try-it chat API — arrive in the follow-up queue. Saves a screenshot of
 * the map page to tests/artifacts/map-page.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { completeWithRedAnswers, createUser, PASSWORD, seed } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
// The global setup's browser: Debian's Chromium, or @sparticuz/chromium's (services/chromium.ts).
const CHROMIUM = process.env[ENV.chromium];

// A missing browser fails with the install line instead of skipping: a skip would hide a missing install.
if (!CHROMIUM) {
  describe('dashboard in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');
    });
  });
}

describe.runIf(!!CHROMIUM)(`dashboard in Chromium (${CHROMIUM})`, () => {
  let app: TestApp;
  let ctx: BrowserContext;
  let profile: string;
  let client: TryitClient;

  beforeAll(async () => {
    app = await startTestApp({ MAP_MIN_RESPONDENTS: '1' });
    await createUser(app.db, 'coord@example.org', 'admin');
    client = new TryitClient(app.url, undefined, 'nl');
    const rid = app.handler.respondentIdFor('tryit', client.token);
    await completeWithRedAnswers(
      client,
      'nl',
      async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed',
    );
    // Some more respondents, so the map shows every colour.
    const answer = (indicator: string, outcome: string, questionId: string, light: 'red' | 'orange' | 'green', number: number) => ({
      indicator,
      outcome,
      questionId,
      light,
      number,
    });
    await seed(
      app.db,
      'default',
      Array.from({ length: 12 }, (_, i) => ({
        id: `seed${i}`,
        language: ['ar', 'uk', 'ti'][i % 3]!,
        channel: i % 2 ? 'telegram' : 'whatsapp',
        completed: i % 4 !== 0,
        answers: [
          answer('housing', 'suitable_home', 'housing_suitable', i < 5 ? 'red' : 'green', i < 5 ? 2 : 8),
          answer('health', 'access_to_care', 'health_access', i < 2 ? 'red' : i < 7 ? 'orange' : 'green', i < 2 ? 3 : i < 7 ? 5 : 9),
          answer('bridges', 'contact_with_other_groups', 'bridges_contact', 'green', 9),
        ],
      })),
    );
    profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, args: ARGS, viewport: { width: 1200, height: 900 } });
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.dispose();
  });

  it('logs in, shows the map, opens a red indicator, invites a respondent and shows their RSVP', async () => {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#email', 'coord@example.org');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await expect(page.textContent('h1')).resolves.toBe('Pilots');

    await Promise.all([page.waitForURL(/\/pilots\/default$/), page.click('a[href="/pilots/default"]')]);
    const housing = page.locator('a[data-indicator="housing"]');
    await expect(housing.getAttribute('data-aggregate')).resolves.toBe('red');
    await expect(page.locator('a[data-indicator="bridges"]').getAttribute('data-aggregate')).resolves.toBe('green');
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/map-page.png'), fullPage: true });

    await Promise.all([page.waitForURL(/\/indicators\/housing$/), housing.click()]);
    await expect(page.locator('figure[data-question="housing_suitable"] svg rect').count()).resolves.toBe(11);
    await Promise.all([page.waitForURL(/\/queue\?indicator=housing$/), page.click('a[href="/pilots/default/queue?indicator=housing"]')]);

    const rows = page.locator('tr[data-case]');
    await expect(rows.count()).resolves.toBe(1);
    const caseId = (await rows.first().getAttribute('data-case'))!;
    await page.check(`input[name=cases][value="${caseId}"]`);
    await page.selectOption('select[name=template]', 'session');
    await page.fill('input[name=when]', '2026-12-03T14:30');
    await page.fill('input[name=place]', 'Buurthuis De Brug');
    await Promise.all([page.waitForURL(/sent=1/), page.click('text=Send invitation')]);
    await expect(page.locator('[role=status]').textContent()).resolves.toBe('Invitation sent to 1 respondent.');

    // The respondent sees the invitation in Dutch in the try-it chat and taps "Ja".
    const pulled = (await (await fetch(`${app.url}/try/api/messages?token=${client.token}`)).json()) as {
      messages: Array<{ text: string; buttons?: Array<Array<{ label: string; data: string }>> }>;
    };
    const invitation = pulled.messages.at(-1)!;
    expect(invitation.text).toContain('Bedankt voor uw antwoorden over');
    const yes = invitation.buttons!.flat().find((b) => b.label === 'Ja')!;
    await client.send({ button: yes.data });

    await page.goto(`${app.url}/pilots/default/queue?indicator=housing`);
    await expect(page.locator(`tr[data-case="${caseId}"] td[data-rsvp]`).getAttribute('data-rsvp')).resolves.toBe('accepted');
    await expect(page.locator(`tr[data-case="${caseId}"]`).getAttribute('data-status')).resolves.toBe('accepted');
  }, 60_000);
});
