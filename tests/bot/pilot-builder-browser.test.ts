/**
 * The pilot builder and launch page in a real browser (Debian's Chromium, playwright-core):
 * a researcher picks indicators, gets the bank's core questions, adds a background question,
 * reorders, sets a follow-up that the CLI's validator refuses (a duplicate id, shown inline
 * with its question), fixes it, chooses channels and creates the pilot; downloads a QR code
 * PNG that decodes to the pilot's Telegram link; pastes an invitation list with a refused row
 * and sees it with its reason, then sends through the real campaign queue on Redis to a fake
 * WhatsApp on the far side and sees `sent`. A respondent then opens the new pilot's
 * try-it page in Chromium with a fake microphone (a generated WAV), answers the "one step
 * up" question by voice (recorded with the page's MediaRecorder), finishes, and the recording
 * reaches `ready` through the real media queue on Redis. Saves tests/artifacts/builder-ar.png (the builder in Arabic).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { chromiumPath, fakeMicrophone, launchChromium, type Launched } from '../helpers/axe.ts';
import { createUser, PASSWORD } from '../helpers/dashboard.ts';
import { decodeQr } from '../helpers/qr.ts';
import { botBubble, microphoneWav, recordVoice, settledMediaStatus, tap } from '../helpers/tryit-page.ts';

const EN = JSON.parse(readFileSync(join(ROOT, 'locales/en/tryit.json'), 'utf8')) as Record<string, string>;

/** The far side of WhatsApp: what would be sent to which number. */
class CaptureChannel implements ChannelPort {
  readonly sent: Array<{ address: string; message: RenderedMessage }> = [];
  readonly name = 'whatsapp';
  async send(address: string, message: RenderedMessage): Promise<void> {
    this.sent.push({ address, message });
  }
}

const order = (page: Page) => page.locator('li[data-question]').evaluateAll((els) => els.map((e) => e.getAttribute('data-question')));

describe('pilot builder in Chromium', () => {
  let app: TestApp;
  let fake: FakeBotApi;
  let browser: Launched;
  let dir: string;
  const whatsapp = new CaptureChannel();
  const problems: string[] = [];

  beforeAll(async () => {
    fake = await FakeBotApi.start();
    app = await startTestApp({ TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url }, { telegramBotInfo: fake.botInfo, channels: [whatsapp] });
    await createUser(app.db, 'researcher@example.org', 'researcher', ['default']);
    chromiumPath(); // a missing browser fails here with the install line
    dir = mkdtempSync(join(tmpdir(), 'stemmen-builder-browser-'));
    // The respondent's microphone: 3 s of a tone, fed to Chromium's fake capture device.
    browser = await launchChromium({ args: fakeMicrophone(microphoneWav(dir)), width: 1200, height: 900, enforceCsp: true });
    await browser.ctx.addInitScript("document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`))");
    browser.ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${m.location().url}: ${m.text()}`);
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    await app?.dispose();
    await fake?.close();
  });

  it('builds, validates, creates and launches a pilot, and a respondent completes it', async () => {
    const page = await browser.ctx.newPage();
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
    await browser.ctx.addCookies([{ name: 'stemmen_lng', value: 'ar', url: app.url }]);
    await page.reload();
    await expect(page.locator('html').getAttribute('dir')).resolves.toBe('rtl');
    await expect(page.locator('h2').first().textContent()).resolves.toBe('المشكلات');
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await page.screenshot({ path: join(ROOT, 'tests/artifacts/builder-ar.png'), fullPage: true });
    await browser.ctx.addCookies([{ name: 'stemmen_lng', value: 'en', url: app.url }]);
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

    // A respondent opens the new pilot's try-it page and completes it, the "one step up" by voice.
    const chat = await browser.ctx.newPage();
    await chat.goto(`${app.url}/try/${code}?lang=en`);
    await botBubble(chat, 0);
    const phase = async () => (await app.db.selectFrom('sessions').select('phase').where('pilot_code', '=', code).executeTakeFirst())?.phase;
    const voiced: string[] = [];
    for (let i = 0; i < 40 && (await phase()) !== 'completed'; i++) {
      const last = chat.locator('.bubble.bot').last();
      const data = await last.locator('button[data-value]').evaluateAll((els) => els.map((e) => e.getAttribute('data-value') ?? ''));
      const pick =
        data.find((d) => d === 'lang:en') ??
        data.find((d) => d === 'form:text') ??
        data.find((d) => d === 'consent:yes') ??
        data.find((d) => /:3$/.test(d)) ??
        data.find((d) => !d.startsWith('skip:'));
      if (pick) await tap(chat, pick);
      else {
        // A free-text question: the "one step up" set in the builder is answered by voice, the others typed.
        const asked = await app.db
          .selectFrom('sessions')
          .select('state')
          .where('pilot_code', '=', code)
          .executeTakeFirstOrThrow()
          .then((s) => (JSON.parse(s.state) as { current?: string }).current ?? '');
        if (asked === 'work_skills_used_step_up') {
          voiced.push(asked);
          await recordVoice(chat, EN.voice_sent!);
        } else {
          const before = await chat.locator('.bubble.bot').count();
          await chat.fill('#t', 'It is hard to find work that fits.');
          await chat.press('#t', 'Enter');
          await botBubble(chat, before);
        }
      }
    }
    await expect(phase()).resolves.toBe('completed');
    expect(voiced).toEqual(['work_skills_used_step_up']);
    // The recording went through the real media queue on Redis to `ready`, as a Telegram voice note does.
    await expect(settledMediaStatus(app.db, { question: 'work_skills_used_step_up', pilot: code })).resolves.toBe('ready');
    const answers = await app.db.selectFrom('answers').select(['question_id', 'media_kind', 'media_file']).where('pilot_code', '=', code).execute();
    expect(answers.map((a) => a.question_id)).toEqual(expect.arrayContaining(['health_access', 'work_skills_used', 'work_skills_used_step_up', 'gender']));
    expect(answers.find((a) => a.question_id === 'work_skills_used_step_up')).toMatchObject({
      media_kind: 'voice',
      media_file: expect.stringMatching(/^originals\/[0-9a-f]{2}\/[0-9a-f]{64}\.(webm|ogg)$/),
    });
    expect(problems).toEqual([]);
  }, 180_000);
});
