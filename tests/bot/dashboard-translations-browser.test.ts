/**
 * The drill-down in real Chromium with typed answers and their machine translations: an Arabic
 * original laid out right to left, its Dutch and English translations left to right, a Tigrinya
 * (Ge'ez) answer in its own language, the page's own text still left to right, and masked
 * personal details. Translations come from a local LibreTranslate-compatible server
 * through the app's real queue on Redis.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLibreTranslate } from '../../scripts/dev/fake-libretranslate.ts';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { createUser, PASSWORD } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { CHROMIUM_ARGS as ARGS } from '../helpers/services/chromium.ts';

const CHROMIUM = process.env[ENV.chromium];

// A missing browser fails with the install line instead of skipping.
if (!CHROMIUM) {
  describe('translations on the drill-down in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');
    });
  });
}

describe.runIf(!!CHROMIUM)('translations on the drill-down in Chromium', () => {
  let app: TestApp;
  let mt: FakeLibreTranslate;
  let ctx: BrowserContext;
  let profile: string;

  async function answerWhy(lang: string, text: string) {
    const c = new TryitClient(app.url, undefined, lang);
    await c.send({ command: 'start' });
    await c.send({ button: `lang:${lang}` });
    await c.send({ button: 'consent:yes' });
    await c.send({ text: '2019' });
    await c.send({ button: 'a:work_has_paid_work:yes' });
    await c.send({ button: 'a:work_fair:3' });
    await c.send({ text });
  }

  beforeAll(async () => {
    mt = new FakeLibreTranslate();
    await mt.start();
    app = await startTestApp({ MT_URL: mt.url, MAP_MIN_RESPONDENTS: '1' }, { media: { retryDelayMs: 20 } });
    await answerWhy('ar', 'العمل صعب، اتصل بي 0612345678');
    await answerWhy('ti', 'ስራሕ ከቢድ እዩ');
    const deadline = Date.now() + 20_000;
    for (;;) {
      const pending = await app.db.selectFrom('answers').select('id').where('translation_status', '=', 'pending').execute();
      if (pending.length === 0 || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await createUser(app.db, 'researcher@example.org', 'researcher');
    profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, args: ARGS, viewport: { width: 1200, height: 900 } });
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.dispose();
    await mt?.close();
  });

  it('shows each original and translation in its own language and direction, details masked', async () => {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#email', 'researcher@example.org');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await page.goto(`${app.url}/pilots/default/indicators/work`);
    // The script as a string: this project's TypeScript has no DOM types.
    const direction = new Function('e', 'return getComputedStyle(e).direction') as (e: unknown) => string;
    const dirOf = (selector: string) => page.locator(selector).first().evaluate(direction);

    const arabic = 'blockquote[data-answer-text] span[lang="ar"]:has-text("العمل صعب")';
    await expect(page.locator(arabic).count()).resolves.toBe(1);
    await expect(dirOf(arabic)).resolves.toBe('rtl');
    await expect(page.locator(arabic).textContent()).resolves.toBe('العمل صعب، اتصل بي [phone]');
    await expect(dirOf('span[lang="nl"]:has-text("[nl] العمل صعب")')).resolves.toBe('ltr');
    await expect(dirOf('span[lang="en"]:has-text("[en] ስራሕ ከቢድ እዩ")')).resolves.toBe('ltr');
    await expect(page.locator('span[lang="ti"]:has-text("ስራሕ ከቢድ እዩ")').count()).resolves.toBe(1);
    // The page's own text keeps its direction whatever an answer carries.
    await expect(dirOf('h1')).resolves.toBe('ltr');
    await expect(page.content()).resolves.not.toContain('0612345678');
  }, 60_000);
});
