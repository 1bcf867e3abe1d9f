/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core): log in, see
 * the map of a seeded pilot, open a red indicator, invite a respondent, and see their RSVP —
 * given through the try-it chat API — arrive in the follow-up queue; then the try-it chat and
 * Bull Board (a pause sent by the browser itself). Every page runs under the app's
 * Content-Security-Policy and must not trip it: each `securitypolicyviolation` and console
 * error is collected and expected to be none. Saves a screenshot of the map page to
 * tests/artifacts/map-page.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { completeWithRedAnswers, createUser, PASSWORD, seed } from '../helpers/dashboard.ts';
import { voiceNote } from '../helpers/media.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { seedMediaAnswer } from '../../scripts/dev/seed-media.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { CHROMIUM_ARGS as ARGS } from '../helpers/services/chromium.ts';

const HEADER_COLOUR = "getComputedStyle(document.querySelector('header')).backgroundColor";
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
  let fake: FakeBotApi;
  let voiceAnswer: string;
  const violations: string[] = [];

  beforeAll(async () => {
    // Telegram (a fake Bot API) only to bring in a voice answer the dashboard plays back.
    fake = await FakeBotApi.start();
    app = await startTestApp({ MAP_MIN_RESPONDENTS: '1', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url }, { telegramBotInfo: fake.botInfo });
    const f = fake.addFile(voiceNote(2, 'browser'), 'voice/file_1.oga');
    const voice = await seedMediaAnswer(
      { store: app.store, respondentIdFor: (c, a) => app.handler.respondentIdFor(c, a) },
      { kind: 'voice', fileRef: f.file_id, uniqueId: f.file_unique_id, size: f.file_size },
      { channel: 'telegram', address: '778', language: 'ar' },
    );
    voiceAnswer = voice.id;
    await app.media.port.submit([voice]);
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
    // Violations are reported to the page; pass them on as console errors, which are all collected.
    // (Scripts as strings: this project's TypeScript has no DOM types.)
    await ctx.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`))",
    );
    // Except the browser's own favicon probe: there is no favicon, and that is no policy matter.
    ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) violations.push(`${m.location().url}: ${m.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.dispose();
    await fake?.close();
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
    // The stylesheet applied (it is inline, allowed by its hash), and the map's bars are drawn.
    await expect(page.evaluate(HEADER_COLOUR)).resolves.toBe('rgb(29, 35, 39)');
    expect(violations).toEqual([]);
  }, 60_000);

  it('runs the try-it chat, voice playback and Bull Board under the policy, and Bull Board pauses a queue from the browser', async () => {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/try?lang=en`);
    // The inline script ran (it posts /start and shows the reply) and the inline style applied.
    await page.locator('.bubble.bot').first().waitFor();
    await page.locator('.bubble.bot button').first().waitFor();
    // Its handlers (set from the script, not inline attributes) work: a tap brings the next message.
    const before = await page.locator('.bubble.bot').count();
    await page.locator('.bubble.bot button').first().click();
    await page.locator('.bubble.bot').nth(before).waitFor();
    await expect(page.evaluate(HEADER_COLOUR)).resolves.toBe('rgb(47, 111, 79)');

    // A voice answer plays from the dashboard (media-src 'self'): the browser loads and decodes it.
    for (let i = 0; i < 300; i++) {
      const r = await app.db.selectFrom('answers').select('media_status').where('id', '=', voiceAnswer).executeTakeFirstOrThrow();
      if (r.media_status === 'ready') break;
      await new Promise((res) => setTimeout(res, 50));
    }
    await page.goto(`${app.url}/pilots/default/indicators/health`);
    const duration = await page.evaluate(`new Promise((resolve, reject) => {
      const audio = document.querySelector('audio[src="/answers/${voiceAnswer}/media"]');
      audio.addEventListener('loadedmetadata', () => resolve(audio.duration));
      audio.addEventListener('error', () => reject(new Error('audio error ' + audio.error?.code)));
      audio.preload = 'metadata';
      audio.load();
    })`);
    expect(duration).toBeGreaterThan(1.5);

    await page.goto(`${app.url}/admin/queues`);
    await page.getByText('reminders').first().waitFor();
    await expect(page.getByText('campaigns').first().isVisible()).resolves.toBe(true);
    // What its buttons do: a PUT from the page, with the browser's own Origin and Sec-Fetch-Site.
    const status = await page.evaluate(async () => (await fetch('api/queues/reminders/pause', { method: 'PUT' })).status);
    expect(status).toBe(200);
    await expect(app.reminders.queue.isPaused()).resolves.toBe(true);
    expect(violations).toEqual([]);
  }, 60_000);
});
