/**
 * Coding in a real browser (Debian's Chromium via playwright-core), under the app's
 * Content-Security-Policy: a researcher creates a code on the codebook page, assigns it to an
 * answer on the indicator's page and marks the answer shareable; a viewer's map page then shows
 * that quote, in its own script and direction, and no other. Saves screenshots of the researcher's
 * coding controls and the viewer's map to tests/artifacts/ (coding-controls.png, viewer-quotes.png).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, PASSWORD, seed } from '../helpers/dashboard.ts';
import { openChromium, type ChromiumSession } from '../helpers/chromium-page.ts';
import { ENV, provided } from '../helpers/services/env.ts';

const CHROMIUM = process.env[ENV.chromium];

// A missing browser fails with the install line instead of skipping.
if (!CHROMIUM) {
  describe('coding in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');
    });
  });
}

const SHARED = 'الإيجار يأخذ نصف راتبي';
const OTHER = 'We wonen met vijf mensen in twee kamers';

describe.runIf(!!CHROMIUM)(`coding in Chromium (${CHROMIUM})`, () => {
  let app: TestApp;
  let chrome: ChromiumSession;

  beforeAll(async () => {
    app = await startTestApp({ MAP_MIN_RESPONDENTS: '3' });
    await createUser(app.db, 'res@example.org', 'researcher');
    await createUser(app.db, 'view@example.org', 'viewer');
    await seed(
      app.db,
      'default',
      Array.from({ length: 5 }, (_, i) => ({
        id: `p${i}`,
        language: i === 0 ? 'ar' : 'nl',
        channel: 'telegram',
        answers: [
          { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red' as const, number: 2 },
          { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: i === 0 ? SHARED : `${OTHER} (${i})` },
        ],
      })),
    );
    chrome = await openChromium(CHROMIUM!);
  }, 90_000);

  afterAll(async () => {
    await chrome?.close();
    await app?.dispose();
  });

  async function login(page: Page, email: string): Promise<void> {
    await page.goto(`${app.url}/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
  }

  it("a researcher codes an answer and marks it shareable; the viewer's map shows that quote and no other", async () => {
    const page = await chrome.ctx.newPage();
    await login(page, 'res@example.org');
    await Promise.all([page.waitForURL(/\/codebook$/), page.click('a[href="/pilots/default/codebook"]')]);
    const create = page.locator('form[data-create-code]');
    await create.locator('input[name=label]').fill('Cost of rent');
    await create.locator('textarea[name=description]').fill('Rent takes much of the income');
    await create.locator('select[name=indicator]').selectOption('housing');
    await Promise.all([page.waitForURL(/\/codebook$/), create.locator('button[type=submit]').click()]);
    await expect(page.locator('tr[data-code-row="Cost of rent"]').count()).resolves.toBe(1);
    await expect(page.locator('table[data-audit-trail] tr[data-audit="code.create"]').count()).resolves.toBe(1);

    await Promise.all([page.waitForURL(/\/indicators\/housing$/), page.click('a[href="/pilots/default/indicators/housing"]')]);
    // The controls follow the answer's blockquote.
    const controls = page.locator(`blockquote:has-text("${SHARED}") + div[data-coding]`);
    await controls.locator('select[name=code]').selectOption({ label: 'Cost of rent' });
    await Promise.all([page.waitForURL(/\/indicators\/housing$/), controls.locator('form[action$="/assign"] button').click()]);
    const after = page.locator(`blockquote:has-text("${SHARED}") + div[data-coding]`);
    await expect(after.locator('[data-code="Cost of rent"]').count()).resolves.toBe(1);
    await Promise.all([page.waitForURL(/\/indicators\/housing$/), after.locator('button[data-share]').click()]);
    await expect(page.locator(`blockquote:has-text("${SHARED}") + div[data-coding] [data-shared]`).count()).resolves.toBe(1);
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/coding-controls.png'), fullPage: true });
    await page.click('header form button'); // log out
    await page.waitForURL(/\/login/);

    await login(page, 'view@example.org');
    await page.goto(`${app.url}/pilots/default`);
    const quote = page.locator('section[data-shared-quotes="housing"] blockquote[data-quote]');
    await expect(quote.count()).resolves.toBe(1);
    const original = quote.locator('p[lang="ar"]');
    await expect(original.textContent()).resolves.toBe(SHARED);
    await expect(page.evaluate("getComputedStyle(document.querySelector('section[data-shared-quotes] p[lang=ar]')).direction")).resolves.toBe('rtl');
    await expect(page.content()).resolves.not.toContain(OTHER);
    await expect(page.locator('[data-coding]').count()).resolves.toBe(0);
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/viewer-quotes.png'), fullPage: true });
    expect(chrome.problems).toEqual([]);
    // The codebook is not the viewer's.
    const refused = await page.goto(`${app.url}/pilots/default/codebook`);
    expect(refused?.status()).toBe(403);
  }, 60_000);
});
