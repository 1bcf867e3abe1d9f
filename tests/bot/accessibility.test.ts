/**
 * axe-core in Chromium on the try-it page and every dashboard page, at a phone's and a
 * laptop's size (360×740, 1280×900), in English, Arabic (right to left) and Tigrinya (Ge'ez):
 * no serious or critical violation. Prints a summary table (page × size × language → count)
 * and saves the Arabic map to tests/artifacts/map-ar.png.
 *
 * New pages join by adding their path to {@link DASHBOARD_PATHS} (the harness is
 * tests/helpers/axe.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { axeViolations, chromiumPath, describeViolations, launchChromium, type AxeViolation, type Launched } from '../helpers/axe.ts';
import { completeWithRedAnswers, createUser, PASSWORD, seed } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { FakeBotApi } from '../../scripts/dev/fake-bot-api.ts';
import { Coding } from '../../storage/coding.ts';
import { Workshops } from '../../storage/workshops.ts';

/** Every dashboard page a logged-in admin opens (the pilot is the seeded "default"). Add new pages here. */
const DASHBOARD_PATHS = [
  '/',
  '/tryit',
  '/pilots/default',
  '/pilots/default/indicators/housing',
  '/pilots/default/exports',
  '/pilots/default/queue',
  '/pilots/default/expertpool',
  '/compare',
  '/admin/dead-letters',
  '/orgs/default/workshop',
  '/orgs/default/workshop/print',
  '/pilots/new',
  '/pilots/:draft/build',
  '/pilots/default/launch',
  '/pilots/default/answers',
  '/pilots/default/codebook',
] as const;
const LANGUAGES = ['en', 'ar', 'ti'] as const;
/** Open answers in three scripts, for the open-answers page and the codebook. */
const OPEN = ['الإيجار يأخذ نصف راتبي', 'ገዛና ንእሽቶ እዩ', 'We live with five people in two rooms'];
const SIZES = [
  { width: 360, height: 740 },
  { width: 1280, height: 900 },
] as const;

let app: TestApp;
let fake: FakeBotApi;
let browser: Launched;
/** The builder draft the seed made (its code stands for `:draft` in the paths). */
let draft = '';
const results: Array<{ path: string; size: string; lng: string; violations: AxeViolation[] }> = [];

beforeAll(async () => {
  chromiumPath(); // a missing browser fails here with the install line
  // A (fake) Telegram bot, so the launch page has its links and QR codes.
  fake = await FakeBotApi.start();
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '1', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url }, { telegramBotInfo: fake.botInfo });
  await createUser(app.db, 'admin@example.org', 'admin');
  // A respondent with red answers who agreed to be contacted again: the queue has a row.
  const client = new TryitClient(app.url, undefined, 'ar');
  const rid = app.handler.respondentIdFor('tryit', client.token);
  await completeWithRedAnswers(
    client,
    'ar',
    async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed',
  );
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
      id: `a11y${i}`,
      language: ['ar', 'ti', 'uk'][i % 3]!,
      channel: i % 2 ? 'telegram' : 'whatsapp',
      completed: i % 4 !== 0,
      expertpool: i % 3 === 0,
      recontact: i % 3 === 0 ? ['housing'] : [],
      answers: [
        answer('housing', 'suitable_home', 'housing_suitable', i < 5 ? 'red' : 'green', i < 5 ? 2 : 8),
        answer('health', 'access_to_care', 'health_access', i < 2 ? 'red' : i < 7 ? 'orange' : 'green', i < 2 ? 3 : i < 7 ? 5 : 9),
        { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: OPEN[i % OPEN.length]! },
      ],
    })),
  );
  await seedPages();
  browser = await launchChromium();
}, 120_000);

/** Content for the workshop, builder, open-answers and codebook pages: colours and cards, a draft, codes on answers. */
async function seedPages(): Promise<void> {
  const now = new Date().toISOString();
  const workshops = new Workshops(app.db);
  const ws = await workshops.ensure('default', { id: 'ws-a11y', name: 'Blind spots', by: 'admin@example.org', now });
  const colours = [
    { indicator: 'housing', colour: 'red', note: 'Only complaints reach us' },
    { indicator: 'health', colour: 'orange', note: '' },
    { indicator: 'work', colour: 'green', note: 'Job centre figures' },
  ] as const;
  await workshops.save(ws.id, {
    member: 'admin@example.org',
    colours,
    cards: [
      { indicator: 'housing', known: 'Waiting lists are long', knownSource: 'An assumption', unknown: 'How people live meanwhile', unknownHow: 'A survey' },
    ],
    now,
  });
  await workshops.save(ws.id, { member: 'team@example.org', colours: [{ indicator: 'housing', colour: 'orange', note: '' }], now });
  const coding = new Coding(app.db);
  const made = await coding.createCode('default', { label: 'Cost of rent', description: 'Rent takes much of the income', indicator: 'housing' }, 'admin', now);
  await coding.createCode('default', { label: 'Crowding', description: 'Too many people in a home', indicator: null }, 'admin', now);
  if (!made.ok) throw new Error(`seed code: ${JSON.stringify(made.issue)}`);
  const open = await app.db.selectFrom('answers').select('id').where('question_id', '=', 'housing_why').limit(4).execute();
  for (const a of open) await coding.assign('default', a.id, made.value.id, 'admin', now);
  // The default pilot on Telegram: its launch page lists links and QR codes (the default pilot has no channels of its own).
  await app.db
    .updateTable('pilots')
    .set({ channels: JSON.stringify(['telegram']) })
    .where('code', '=', 'default')
    .execute();
  // A builder draft with the bank's questions, made as the page makes it (over HTTP, with the form's token).
  const http = new HttpBrowser(app.url);
  await http.login('admin@example.org');
  const form = await (await http.get('/pilots/new')).text();
  const _csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1] ?? '';
  const res = await http.request('POST', '/pilots/new', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams([
      ['_csrf', _csrf],
      ['name', 'Draft pilot'],
      ['organisation', 'default'],
      ['indicators', 'housing'],
      ['indicators', 'work'],
      ['languages', 'en'],
      ['languages', 'ar'],
      ['languages', 'ti'],
    ]).toString(),
  });
  draft = /\/pilots\/([a-z0-9-]+)\/build/.exec(res.headers.get('location') ?? '')?.[1] ?? '';
  if (!draft) throw new Error(`no draft made: HTTP ${res.status}`);
}

afterAll(async () => {
  if (results.length) {
    // The summary: one row per page, one column per size and language (serious + critical violations).
    const cols = SIZES.flatMap((s) => LANGUAGES.map((l) => `${s.width}×${s.height} ${l}`));
    const rows = [...new Set(results.map((r) => r.path))].map((p) => [
      p,
      ...SIZES.flatMap((s) =>
        LANGUAGES.map((l) => String(results.find((r) => r.path === p && r.size === `${s.width}×${s.height}` && r.lng === l)?.violations.length ?? '–')),
      ),
    ]);
    const width = Math.max(...rows.map((r) => r[0]!.length), 4);
    console.log(
      [
        'axe-core: serious/critical violations per page',
        `${'page'.padEnd(width)} | ${cols.join(' | ')}`,
        ...rows.map(
          (r) =>
            `${r[0]!.padEnd(width)} | ${r
              .slice(1)
              .map((c, i) => c.padStart(cols[i]!.length))
              .join(' | ')}`,
        ),
      ].join('\n'),
    );
  }
  await browser?.close();
  await app?.dispose();
  await fake?.close();
});

async function check(page: Page, path: string, size: (typeof SIZES)[number], lng: string): Promise<AxeViolation[]> {
  const violations = await axeViolations(page);
  results.push({ path, size: `${size.width}×${size.height}`, lng, violations });
  return violations;
}

describe('accessibility (axe-core, serious and critical)', () => {
  it('the harness finds what it should: a nameless button and an image without alt text', async () => {
    const page = await browser.ctx.newPage();
    await page.setContent('<!doctype html><html><head><title>bad</title></head><body><main><button></button><img src="data:,"></main></body></html>');
    const ids = (await axeViolations(page)).map((v) => v.id).sort();
    expect(ids).toEqual(['button-name', 'html-has-lang', 'image-alt']);
    await page.close();
  });

  for (const lng of LANGUAGES) {
    it(`the try-it page in ${lng}, with a question on screen`, async () => {
      const page = await browser.ctx.newPage();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.goto(`${app.url}/try?lang=${lng}`);
        await page.evaluate("localStorage.removeItem('stemmen-try-token')");
        await page.reload();
        await page.locator('.bubble.bot button').first().waitFor();
        await expect(page.evaluate('document.documentElement.lang')).resolves.toBe(lng);
        const v = await check(page, '/try', size, lng);
        expect(v, describeViolations(v)).toEqual([]);
      }
      await page.close();
    }, 60_000);

    it(`the login page and every dashboard page in ${lng}`, async () => {
      const page = await browser.ctx.newPage();
      await browser.ctx.clearCookies();
      await page.goto(`${app.url}/language/${lng}?next=/login`);
      await expect(page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).resolves.toEqual([lng, lng === 'ar' ? 'rtl' : 'ltr']);
      for (const size of SIZES) {
        await page.setViewportSize(size);
        await page.reload();
        const v = await check(page, '/login', size, lng);
        expect(v, `/login ${lng}\n${describeViolations(v)}`).toEqual([]);
      }
      await page.fill('#email', 'admin@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
      for (const path of DASHBOARD_PATHS) {
        for (const size of SIZES) {
          await page.setViewportSize(size);
          const res = await page.goto(`${app.url}${path.replace(':draft', draft)}`);
          expect(res?.status(), path).toBe(200);
          // Open the charts' number tables, so axe checks them too.
          await page.evaluate("document.querySelectorAll('details').forEach((d) => { d.open = true; })");
          const v = await check(page, path, size, lng);
          expect.soft(v, `${path} ${lng} ${size.width}\n${describeViolations(v)}`).toEqual([]);
        }
      }
      // A follow-up case (the queue page opened them): its page too.
      const kase = await app.db.selectFrom('followup_cases').select('id').executeTakeFirstOrThrow();
      for (const size of SIZES) {
        await page.setViewportSize(size);
        expect((await page.goto(`${app.url}/cases/${kase.id}`))?.status()).toBe(200);
        const v = await check(page, '/cases/:id', size, lng);
        expect(v, `/cases/:id ${lng} ${size.width}\n${describeViolations(v)}`).toEqual([]);
      }
      if (lng === 'en') {
        // The new pages were checked with content on them, not empty.
        const count = async (path: string, selector: string) => {
          await page.goto(`${app.url}${path.replace(':draft', draft)}`);
          return page.locator(selector).count();
        };
        await expect(count('/orgs/default/workshop', 'input[type=radio][value=red]:checked')).resolves.toBeGreaterThan(0);
        await expect(count(`/pilots/${draft}/build`, 'li[data-question]')).resolves.toBeGreaterThan(1);
        await expect(count('/pilots/default/answers', 'article[data-answer] [data-code="Cost of rent"]')).resolves.toBeGreaterThan(0);
        await expect(count('/pilots/default/codebook', 'tr[data-code-row]')).resolves.toBe(2);
        await expect(count('/pilots/default/launch', 'tr[data-link]')).resolves.toBeGreaterThan(0);
        // The try-it picker links the pilot's chat, in each of its survey's fourteen languages.
        await page.goto(`${app.url}/tryit`);
        await expect(page.locator('a[data-try="default"]').count()).resolves.toBe(15);
        await Promise.all([page.waitForURL(/\/try\/default\?lang=ar$/), page.click('a[data-try="default"][lang="ar"]')]);
        await expect(page.evaluate('[document.documentElement.lang, document.documentElement.dir]')).resolves.toEqual(['ar', 'rtl']);
        // The chart's text alternative carries its numbers: the count column adds up to the answers.
        await page.goto(`${app.url}/pilots/default/indicators/housing`);
        const counts = await page.locator('figure[data-question="housing_suitable"] details.chart-data tbody td:nth-of-type(1)').allTextContents();
        const answered = await app.db
          .selectFrom('answers')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('question_id', '=', 'housing_suitable')
          .where('value_number', 'is not', null)
          .executeTakeFirstOrThrow();
        expect(counts.length).toBeGreaterThan(1);
        expect(counts.reduce((a, c) => a + Number(c), 0)).toBe(Number(answered.n));
        await expect(page.locator('figure[data-question="housing_suitable"] details.chart-data summary').textContent()).resolves.toBe('The numbers');
      }
      if (lng === 'ar') {
        await page.setViewportSize(SIZES[1]);
        await page.goto(`${app.url}/pilots/default`);
        mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
        await page.screenshot({ path: join(ROOT, 'tests/artifacts/map-ar.png'), fullPage: true });
      }
      await page.close();
    }, 120_000);
  }
});
