/**
 * The open-answers page in a real browser (Chromium via playwright-core): a researcher picks
 * an indicator and types a Dutch word in the filter form, and sees the Arabic original laid
 * out right to left beside its Dutch translation. No Content-Security-Policy violation or
 * console error on the way. Saves tests/artifacts/open-answers.png.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaRepo } from '../../storage/media.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, PASSWORD, seed } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { CHROMIUM_ARGS as ARGS } from '../helpers/services/chromium.ts';

const CHROMIUM = process.env[ENV.chromium];
const ARABIC = 'أبحث عن عمل كنجار منذ سنتين';
/** The laid-out direction of an element, run in the page (this project's TypeScript has no DOM types). */
const DIRECTION = (el: unknown): string => (globalThis as unknown as { getComputedStyle(e: unknown): { direction: string } }).getComputedStyle(el).direction;

// A missing browser fails with the install line instead of skipping.
if (!CHROMIUM) {
  describe('open answers in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');
    });
  });
}

describe.runIf(!!CHROMIUM)('open answers in Chromium', () => {
  let app: TestApp;
  let ctx: BrowserContext;
  let profile: string;
  const problems: string[] = [];

  beforeAll(async () => {
    app = await startTestApp({ MAP_MIN_RESPONDENTS: '3' });
    const why = (text: string) => ({ questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly', light: null, text });
    await seed(app.db, 'default', [
      { id: 'ar1', language: 'ar', channel: 'whatsapp', answers: [why(ARABIC)] },
      { id: 'nl1', language: 'nl', channel: 'telegram', answers: [why('Ik word eerlijk behandeld op mijn werk')] },
      { id: 'nl2', language: 'nl', channel: 'telegram', answers: [why('Geen timmerman hier, wel een bakker')] },
      {
        id: 'ti1',
        language: 'ti',
        channel: 'telegram',
        answers: [{ ...why('ስራ ይደሊ ኣለኹ'), questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home' }],
      },
    ]);
    await new MediaRepo(app.db).setTranslations(
      'a-ar1-0',
      1,
      { nl: 'Ik zoek al twee jaar werk als timmerman', en: 'Looking for carpentry work' },
      'ready',
      new Date().toISOString(),
    );
    await createUser(app.db, 'res@example.org', 'researcher');
    profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, args: ARGS, viewport: { width: 1200, height: 900 } });
    await ctx.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))",
    );
    ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.location().url}: ${m.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.dispose();
  });

  it('filters by indicator and a Dutch word, and shows the Arabic original right to left beside the Dutch translation', async () => {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#email', 'res@example.org');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await Promise.all([page.waitForURL(/\/pilots\/default\/answers$/), page.click('a[href="/pilots/default/answers"]')]);
    await expect(page.locator('article[data-answer]').count()).resolves.toBe(4);

    await page.selectOption('select[name=indicator]', 'work');
    await page.fill('input[name=q]', 'timmerman');
    await Promise.all([page.waitForURL(/q=timmerman/), page.click('form.filters button[type=submit]')]);
    // "timmerman" is in nl2's own words and in the Arabic answer's Dutch translation.
    await expect(page.locator('article[data-answer]').count()).resolves.toBe(2);
    const arabic = page.locator('article[data-answer="a-ar1-0"]');
    const original = arabic.locator('[data-answer-text]');
    await expect(original.textContent()).resolves.toBe(ARABIC);
    await expect(original.getAttribute('lang')).resolves.toBe('ar');
    await expect(original.evaluate(DIRECTION)).resolves.toBe('rtl');
    const dutch = arabic.locator('[data-translation="nl"] div');
    await expect(dutch.textContent()).resolves.toBe('Ik zoek al twee jaar werk als timmerman');
    await expect(dutch.evaluate(DIRECTION)).resolves.toBe('ltr');
    await expect(page.locator('select[name=indicator]').inputValue()).resolves.toBe('work');
    // The Tigrinya answer is of another indicator: filtered out.
    await expect(page.locator('article[data-answer="a-ti1-0"]').count()).resolves.toBe(0);
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/open-answers.png'), fullPage: true });
    expect(problems).toEqual([]);
  });
});
