/**
 * The pilot builder and launch page in a real browser (Debian's Chromium, playwright-core):
 * a researcher picks indicators, gets the bank's core questions, adds a background question,
 * reorders, sets a follow-up that the CLI's validator refuses (a duplicate id, shown inline
 * with its question), fixes it, chooses channels and creates the pilot; downloads a QR code
 * PNG that decodes to the pilot's Telegram link; pastes an invitation list with a refused row
 * and sees it with its reason, then sends through the real campaign queue on Redis to a fake
 * WhatsApp on the far side and sees `sent`. A respondent then completes the new pilot over
 * the try-it JSON API. Saves tests/artifacts/builder-ar.png (the builder in Arabic).
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { createUser, PASSWORD } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { decodeQr } from '../helpers/qr.ts';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const CHROMIUM = process.env[ENV.chromium];

/** The far side of WhatsApp: what would be sent to which number. */
class CaptureChannel implements ChannelPort {
  readonly sent: Array<{ address: string; message: RenderedMessage }> = [];
  readonly name = 'whatsapp';
  async send(address: string, message: RenderedMessage): Promise<void> {
    this.sent.push({ address, message });
  }
}

if (!CHROMIUM) {
  describe('pilot builder in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the browser test needs Chromium');
    });
  });
}

const order = (page: Page) => page.locator('li[data-question]').evaluateAll((els) => els.map((e) => e.getAttribute('data-question')));

describe.runIf(!!CHROMIUM)('pilot builder in Chromium', () => {
  let app: TestApp;
  let fake: FakeBotApi;
  let ctx: BrowserContext;
  let profile: string;
  const whatsapp = new CaptureChannel();
  const problems: string[] = [];

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url }, { telegramBotInfo: fake.botInfo, channels: [whatsapp] });
    await createUser(app.db, 'researcher@example.org', 'researcher', ['default']);
    profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    ctx = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM!,
      args: ARGS,
      viewport: { width: 1200, height: 900 },
      acceptDownloads: true,
    });
    await ctx.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`))");
    ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.location().url}: ${m.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await ctx?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await app?.dispose();
    await fake?.close();
  });

  it('builds, validates, creates and launches a pilot, and a respondent completes it', async () => {
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#email', 'researcher@example.org');
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);

    // Indicators → the bank's core questions.
    await Promise.all([page.waitForURL(/\/pilots\/new$/), page.click('a[data-new-pilot]')]);
    await page.fill('input[name=name]', 'Browser pilot');
    await page.check('input[name=indicators][value=work]');
    await page.check('input[name=indicators][value=health]');
    await page.check('input[name=languages][value=ar]');
    await Promise.all([page.waitForURL(/\/pilots\/[a-z0-9]+\/build$/), page.click('button.primary')]);
    const code = /\/pilots\/([a-z0-9]+)\/build/.exec(page.url())![1]!;
    await expect(order(page)).resolves.toEqual(['work_skills_used', 'health_access']);
    // Texts in each language with their status: English reviewed, Arabic a machine draft.
    await expect(page.locator('li[data-question=work_skills_used] td[data-status=en]').textContent()).resolves.toBe('reviewed');
    await expect(page.locator('li[data-question=work_skills_used] td[data-status=ar]').textContent()).resolves.toBe('machine draft');
    await expect(page.locator('[data-minutes]').textContent()).resolves.toMatch(/About [\d.]+ minutes? to answer/);

    // One background question, then reorder.
    await page.selectOption('select[name=id]', 'gender');
    await Promise.all([page.waitForLoadState('load'), page.click('form:has(input[name=op][value=add]) button')]);
    await expect(order(page)).resolves.toEqual(['work_skills_used', 'health_access', 'gender']);
    const down = page.locator('li[data-question=work_skills_used] form:has(input[name=op][value=down]) button');
    await Promise.all([page.waitForURL(/#q-work_skills_used$/), down.click()]);
    await expect(order(page)).resolves.toEqual(['health_access', 'work_skills_used', 'gender']);

    // A follow-up the validator refuses: the scale method's "why" next to the bank's own why follow-up.
    const why = page.locator('li[data-question=work_skills_used] form:has(input[name=part][value=why])');
    await why.locator('select[name=ask]').selectOption('all');
    await Promise.all([page.waitForLoadState('load'), why.locator('button').click()]);
    const issue = page.locator('li[data-issue=error]');
    await expect(issue.count()).resolves.toBeGreaterThan(0);
    await expect(issue.first().textContent()).resolves.toMatch(/^work_skills_used: question id "work_skills_used_why" is already used .*rename one/);
    await expect(page.locator('form[action$="/create"] button').isDisabled()).resolves.toBe(true);
    // Fixed: no "why" from the method, a "one step up" for low scores instead.
    const why2 = page.locator('li[data-question=work_skills_used] form:has(input[name=part][value=why])');
    await why2.locator('select[name=ask]').selectOption('off');
    await Promise.all([page.waitForLoadState('load'), why2.locator('button').click()]);
    const step = page.locator('li[data-question=work_skills_used] form:has(input[name=part][value=stepUp])');
    await step.locator('select[name=ask]').selectOption('low');
    await Promise.all([page.waitForLoadState('load'), step.locator('button').click()]);
    await expect(page.locator('[data-no-problems]').count()).resolves.toBe(1);

    // Channels: Telegram and WhatsApp.
    await page.check('input[name=channels][value=whatsapp]');
    await Promise.all([page.waitForLoadState('load'), page.click('form:has(input[name=op][value=settings]) button')]);
    await expect(page.locator('input[name=channels][value=whatsapp]').isChecked()).resolves.toBe(true);

    // The builder in Arabic: right to left.
    await ctx.addCookies([{ name: 'stemmen_lng', value: 'ar', url: app.url }]);
    await page.reload();
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.locator('h2').first().textContent()).resolves.toBe('المشكلات');
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/builder-ar.png'), fullPage: true });
    await ctx.addCookies([{ name: 'stemmen_lng', value: 'en', url: app.url }]);
    await page.reload();

    await Promise.all([page.waitForURL(new RegExp(`/pilots/${code}/launch$`)), page.click('form[action$="/create"] button')]);
    const row = await app.store.pilots.find(code);
    expect(row).toMatchObject({ name: 'Browser pilot', channels: ['telegram', 'whatsapp'], surveyId: `pilot-${code}` });

    // The QR code PNG decodes to the pilot's Telegram link.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`a[href="/pilots/${code}/links/telegram.png"]`)]);
    expect(decodeQr((await download.path())!)).toBe(`https://t.me/stemmen_test_bot?start=${code}`);
    await expect(page.locator('tr[data-link="telegram-ar"] a').first().textContent()).resolves.toBe(`https://t.me/stemmen_test_bot?start=${code}-ar`);

    // An invitation list with one refused row (no consent), previewed without numbers, then sent.
    // Uploaded as a file: the page's script reads it into the form (the CSP allows that script by its hash).
    const csv = 'phone,consent,language\n+31 6 1234 5678,yes,ar\n+31612345679,no,\n';
    await page.setInputFiles('input[data-csv-into]', { name: 'list.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
    await page.waitForFunction("document.getElementById('invite-csv').value.startsWith('phone,')");
    await Promise.all([page.waitForLoadState('load'), page.click('form[action$="/invitations"] button')]);
    await expect(page.locator('tr[data-refused="3"]').textContent()).resolves.toContain('no recorded consent to be contacted');
    const preview = await page.content();
    expect(preview).not.toContain('612345679');
    expect(preview).not.toContain('612345678');
    await Promise.all([page.waitForURL(new RegExp(`/pilots/${code}/launch$`)), page.click('form:has(input[name=list]) button')]);
    let shown = '';
    for (let i = 0; i < 60 && !/0 planned, 1 sent/.test(shown); i++) {
      await page.waitForTimeout(500);
      await page.goto(`${app.url}/pilots/${code}/launch`);
      shown = (await page.locator('[data-progress=invite]').textContent()) ?? '';
    }
    expect(shown).toContain('0 planned, 1 sent, 0 failed');
    await page.goto(`${app.url}/pilots/${code}/campaigns/invite/status`);
    expect(JSON.parse((await page.locator('body').textContent())!)).toMatchObject({ planned: 0, sent: 1, failed: 0, total: 1 });
    expect(whatsapp.sent.map((s) => s.address)).toEqual(['31612345678@s.whatsapp.net']);
    expect(whatsapp.sent[0]!.message).toMatchObject({ language: 'ar', dir: 'rtl' });
    expect(whatsapp.sent[0]!.message.text).toContain(code);
    expect(problems).toEqual([]);

    // A respondent completes the new pilot through the try-it API.
    const client = new TryitClient(app.url);
    const rid = app.handler.respondentIdFor('tryit', client.token);
    const phase = async () => (await app.db.selectFrom('sessions').select(['phase', 'pilot_code']).where('respondent_id', '=', rid).executeTakeFirst()) ?? null;
    let r = await client.send({ text: `start ${code}` });
    for (let i = 0; i < 40 && (await phase())?.phase !== 'completed'; i++) {
      const data = (r.messages.at(-1)?.buttons ?? []).flat().map((b) => b.data);
      const pick =
        data.find((d) => d === 'lang:en') ??
        data.find((d) => d === 'consent:yes') ??
        data.find((d) => /:3$/.test(d)) ??
        data.find((d) => !d.startsWith('skip:'));
      r = pick ? await client.send({ button: pick }) : await client.send({ text: 'It is hard to find work that fits.' });
    }
    await expect(phase()).resolves.toEqual({ phase: 'completed', pilot_code: code });
    const answers = await app.db.selectFrom('answers').select('question_id').where('respondent_id', '=', rid).execute();
    expect(answers.map((a) => a.question_id)).toEqual(expect.arrayContaining(['health_access', 'work_skills_used', 'work_skills_used_step_up', 'gender']));
  }, 180_000);
});
