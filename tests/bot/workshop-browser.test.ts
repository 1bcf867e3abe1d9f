/**
 * The workshop in a real browser (Debian's Chromium via playwright-core): two team members
 * colour the indicators in their own sessions, the page shows the combined map, one of them
 * makes a pilot from the red indicators with one click, and the new pilot exists in their
 * organisation with the bank's questions of exactly those indicators. The print view renders
 * to a one-page A4 PDF, and the page in Arabic (RTL) is saved as tests/artifacts/workshop-ar.png.
 * Every page runs under the app's Content-Security-Policy without tripping it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Organisations } from '../../storage/organisations.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { createUser, PASSWORD } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';

const CHROMIUM = process.env[ENV.chromium];
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// A missing browser fails with the install line instead of skipping.
if (!CHROMIUM) {
  describe('workshop in Chromium', () => {
    it('needs Chromium', () => {
      provided(ENV.chromium, ENV.chromiumMissing, 'the workshop browser test needs Chromium');
    });
  });
}

describe.runIf(!!CHROMIUM)(`workshop in Chromium (${CHROMIUM})`, () => {
  let app: TestApp;
  let browser: Browser;
  const problems: string[] = [];
  const URL_W = '/orgs/gemeente-a/workshop';

  beforeAll(async () => {
    app = await startTestApp();
    await new Organisations(app.db).add({ id: 'gemeente-a', name: 'Gemeente A', now: new Date().toISOString() });
    await createUser(app.db, 'ana@example.org', 'researcher', ['gemeente-a']);
    await createUser(app.db, 'bo@example.org', 'coordinator', ['gemeente-a']);
    browser = await chromium.launch({ executablePath: CHROMIUM!, args: ARGS });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await app?.dispose();
  });

  async function member(email: string): Promise<Page> {
    const ctx = await browser.newContext({ viewport: { width: 1200, height: 900 } });
    await ctx.addInitScript(
      "document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`))",
    );
    ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) problems.push(`${email} ${m.location().url}: ${m.text()}`);
    });
    ctx.setDefaultTimeout(10_000);
    const page = await ctx.newPage();
    await page.goto(`${app.url}/login`);
    await page.fill('#email', email);
    await page.fill('#password', PASSWORD);
    await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
    await page.goto(`${app.url}${URL_W}`);
    return page;
  }

  /** Colours through the radio buttons' accessible names, as a screen-reader user would find them. */
  async function colour(page: Page, choices: Record<string, string>, notes: Record<string, string> = {}): Promise<void> {
    for (const [indicator, label] of Object.entries(choices)) await page.getByRole('radio', { name: `${indicator}: ${label}`, exact: true }).check();
    for (const [field, text] of Object.entries(notes)) {
      // The reflection card folds open (a <details>, no script) when its indicator is looked at.
      const [kind, indicator] = field.split('.');
      if (kind !== 'note' && (await page.locator(`fieldset[data-indicator="${indicator}"] details`).getAttribute('open')) === null) {
        await page.click(`fieldset[data-indicator="${indicator}"] summary`);
      }
      await page.fill(`textarea[name="${field}"]`, text);
    }
    await Promise.all([page.waitForURL(/done=saved/), page.click('button:has-text("Save a new version")')]);
  }

  it('two members colour, the combined map shows, and one click makes a pilot of the red indicators', { timeout: 120_000 }, async () => {
    const ana = await member('ana@example.org');
    const bo = await member('bo@example.org');
    await colour(
      ana,
      {
        'Work and income': 'red: we know little',
        Housing: 'red: we know little',
        Safety: 'green: we know a lot',
        'Health and care': 'orange: we know something',
      },
      { 'note.work': 'only UWV numbers', 'known.housing': 'waiting lists are long', 'known_source.housing': 'an assumption from the news' },
    );
    await bo.reload();
    await colour(bo, {
      'Work and income': 'orange: we know something',
      Housing: 'red: we know little',
      Safety: 'green: we know a lot',
      Stability: 'red: we know little',
    });

    await ana.reload();
    const team = (id: string) => ana.locator(`tr[data-row="${id}"] td[data-team]`).getAttribute('data-team');
    // Work: red and orange tie, so the more cautious red; housing red twice; safety green twice.
    await expect(team('work')).resolves.toBe('red');
    await expect(team('housing')).resolves.toBe('red');
    await expect(team('safety')).resolves.toBe('green');
    await expect(team('health')).resolves.toBe('orange');
    await expect(team('stability')).resolves.toBe('red');
    await expect(ana.locator('tr[data-row="work"]').textContent()).resolves.toContain('1 red, 1 orange, 0 green');
    await expect(ana.locator('[data-version]').first().getAttribute('data-version')).resolves.toBe('2');

    // Only the red ones: untick orange health, which the form ticks with the other blind spots.
    const pilotForm = ana.locator('form[action$="/workshop/pilot"]');
    await expect(pilotForm.locator('input[name=indicators]:checked').count()).resolves.toBe(4);
    await pilotForm.locator('input[value="health"]').uncheck();
    await pilotForm.locator('input[name=name]').fill('Gemeente A blind spots');
    await Promise.all([ana.waitForURL(/\/pilots\/[a-z0-9]{6}$/), pilotForm.locator('button[type=submit]').click()]);
    const code = new URL(ana.url()).pathname.split('/').pop()!;
    await expect(ana.locator('h1').textContent()).resolves.toContain('Gemeente A blind spots');

    const pilot = (await app.store.pilots.find(code))!;
    expect(pilot).toMatchObject({ name: 'Gemeente A blind spots', organisationId: 'gemeente-a', channels: ['telegram', 'whatsapp'] });
    const spec = parse(readFileSync(pilot.surveyFile!, 'utf8')) as { id: string; questions: Array<{ indicator?: string }> };
    expect(spec.id).toBe(pilot.surveyId);
    expect([...new Set(spec.questions.map((q) => q.indicator))]).toEqual(['work', 'housing', 'stability']);
    // The same assembly as `survey new`: each indicator's core question from the bank.
    const bank = parse(readFileSync(join(ROOT, 'surveys/bank/bank.yaml'), 'utf8')) as { questions: Array<{ id: string; indicator?: string }> };
    const core = (i: string) => bank.questions.find((q) => q.indicator === i)!.id;
    expect(spec.questions.map((q) => (q as { id: string }).id)).toEqual(['work', 'housing', 'stability'].map(core));

    // Bo plans an expertpool for the rest; it shows on the page.
    await bo.reload();
    const poolForm = bo.locator('form[action$="/workshop/expertpool"]');
    await poolForm.locator('textarea[name=note]').fill('ask the language café');
    await Promise.all([bo.waitForURL(/done=planned/), poolForm.locator('button[type=submit]').click()]);
    await expect(bo.locator('tr[data-planned]').count()).resolves.toBe(4);
    expect(problems).toEqual([]);
  });

  it('prints the workshop on one A4 page and renders in Arabic right to left', { timeout: 60_000 }, async () => {
    const ana = await member('ana@example.org');
    await Promise.all([ana.waitForURL(/\/print\?version=2$/), ana.click('a[href$="/print?version=2"]')]);
    await expect(ana.locator('tr[data-row]').count()).resolves.toBe(14);
    await expect(ana.locator('tr[data-row="housing"]').textContent()).resolves.toContain('an assumption from the news');
    await ana.emulateMedia({ media: 'print' });
    const pdf = await ana.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g)).toHaveLength(1);

    await ana.emulateMedia({ media: 'screen' });
    await ana.goto(`${app.url}${URL_W}?lang=ar`);
    await expect(ana.locator('html').getAttribute('lang')).resolves.toBe('ar');
    const root = ana.locator('div.workshop');
    await expect(root.getAttribute('dir')).resolves.toBe('rtl');
    await expect(ana.locator('tr[data-row="work"] td[data-team]').textContent()).resolves.toBe('أحمر: نعرف القليل');
    await expect(ana.locator('form[action$="/workshop/pilot?lang=ar"] button').textContent()).resolves.toBe('أنشئ استبيانًا تجريبيًا من هذه المؤشرات');
    mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
    await ana.screenshot({ path: join(ROOT, 'tests/artifacts/workshop-ar.png'), fullPage: false });
    expect(problems).toEqual([]);
  });
});
