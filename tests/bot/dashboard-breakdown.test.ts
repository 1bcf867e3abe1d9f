/**
 * Breakdown by group on SQLite and PostgreSQL over real HTTP: the map per residence status
 * (minimum group size 10) with a group of 12, a group of 3 and 10 people who did not say. The 3
 * show "too few" in Chromium, the API and `pilot stats --split`, and the 10 too (else 3 would
 * follow from the total by subtraction); nothing of the 3 — their quote — leaks anywhere.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { hiddenCells } from '../../bot/web/reporting/breakdown.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { stemmen, tempWorkspace } from '../helpers/cli.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { createUser, PASSWORD, seed, type SeedAnswer, type SeedRespondent } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { CHROMIUM_ARGS as ARGS } from '../helpers/services/chromium.ts';

const CHROMIUM = process.env[ENV.chromium];
const SURVEY = join(ROOT, 'tests/fixtures/breakdown/breakdown.yaml');
const SECRET = 'only three of us wrote this';

const status = (choice: string): SeedAnswer => ({ questionId: 'residence_status', indicator: null, outcome: null, light: null, choices: [choice] });
const housing = (light: 'red' | 'green'): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number: light === 'red' ? 2 : 9,
});
const why = (text: string): SeedAnswer => ({ questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text });
const people = (prefix: string, n: number, answers: (i: number) => SeedAnswer[]): SeedRespondent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, language: 'nl', channel: 'telegram', completed: i % 2 === 0, answers: answers(i) }));

it('hides a small cell and, when the hidden ones together are still too few, the next smallest (complementary rule)', () => {
  const rule = { minRespondents: 10 };
  const cells = (...ns: number[]) => ns.map((n, i) => ({ group: `g${i}`, n }));
  expect([...hiddenCells(cells(12, 3), rule)].sort()).toEqual(['g0', 'g1']);
  expect([...hiddenCells(cells(12, 3, 10), rule)].sort()).toEqual(['g1', 'g2']);
  expect([...hiddenCells(cells(12, 3, 0, 10, 11), rule)].sort()).toEqual(['g1', 'g3']);
  expect([...hiddenCells(cells(12, 0, 10), rule)]).toEqual([]);
  expect([...hiddenCells(cells(5, 6, 12), rule)].sort()).toEqual(['g0', 'g1']);
});

describe.each(STORE_KINDS)('breakdown by group on %s', (kind) => {
  let db: TestDatabase;
  let app: TestApp;
  let ws: { dir: string; locales: string };
  let env: Record<string, string>;
  let token: string;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    ws = tempWorkspace('breakdown');
    cpSync(join(ROOT, 'tests/fixtures/breakdown/locales'), ws.locales, { recursive: true });
    env = { ...db.env, LOCALES_DIR: ws.locales, SURVEY_FILE: SURVEY, MAP_MIN_RESPONDENTS: '10' };
    app = await startTestApp(env);
    await createUser(app.db, 'res@example.org', 'researcher');
    await seed(
      app.db,
      'default',
      [
        ...people('permit', 12, (i) => [status('permit'), housing(i < 3 ? 'red' : 'green'), why(`permit view ${i}`)]),
        ...people('asylum', 3, (i) => [status('asylum'), housing('red'), why(`${SECRET} ${i}`)]),
        ...people('quiet', 10, (i) => [...(i < 5 ? [status('prefer_not')] : []), housing('green'), why(`quiet view ${i}`)]),
      ],
      'breakdown-test',
    );
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      out += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      await runTokenCreate(loadConfig({ ...env, DATA_DIR: app.dir }, ROOT), 'default', 'test');
    } finally {
      process.stdout.write = write;
    }
    token = /^(stm_\S+)$/m.exec(out)![1]!;
  }, 60_000);
  afterAll(async () => {
    await app?.dispose();
    await db?.dispose();
    if (ws) rmSync(ws.dir, { recursive: true, force: true });
  });

  const api = async (path: string) => {
    const res = await fetch(`${app.url}${path}`, { headers: { authorization: `Bearer ${token}` } });
    return { status: res.status, text: await res.text() };
  };

  it('shows the map per residence status side by side: 12 shown, 3 and the 10 who did not say "too few", in Chromium', async () => {
    if (!CHROMIUM) provided(ENV.chromium, ENV.chromiumMissing, 'the breakdown page test needs Chromium');
    const profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    let ctx: BrowserContext | undefined;
    try {
      ctx = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM!, args: ARGS, viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      ctx.on('console', (m) => {
        if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
      });
      const page = await ctx.newPage();
      await page.goto(`${app.url}/login`);
      await page.fill('#email', 'res@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
      await page.goto(`${app.url}/pilots/default`);
      // The selector lists the survey's background question by its label.
      await page.selectOption('select[name=split]', 'residence_status');
      await Promise.all([page.waitForURL(/split=residence_status/), page.click('form.filters button[type=submit]')]);
      const cell = (id: string) => page.locator(`td[data-cell="${id}"]`);
      await expect(cell('housing:permit').getAttribute('data-aggregate')).resolves.toBe('green');
      await expect(cell('housing:permit').textContent()).resolves.toContain('n = 12');
      await expect(cell('housing:asylum').getAttribute('data-aggregate')).resolves.toBe('small_group');
      await expect(cell('housing:asylum').textContent()).resolves.toBe('too few');
      await expect(cell('housing:not_answered').getAttribute('data-aggregate')).resolves.toBe('small_group');
      await expect(cell('housing:temporary_protection').getAttribute('data-aggregate')).resolves.toBe('none');
      // Grey, never a colour.
      const bg = (id: string) => page.evaluate(`getComputedStyle(document.querySelector('td[data-cell="${id}"] .tile')).backgroundColor`);
      await expect(bg('housing:asylum')).resolves.toBe('rgb(240, 240, 241)');
      await expect(bg('housing:permit')).resolves.toBe('rgb(233, 247, 239)');
      const heads = await page.locator('th[data-group]').allTextContents();
      expect(heads.join('|')).toMatch(
        /In the asylum procedure\s*too few\|Temporary protection\s*n = 0\|Residence permit\s*n = 12\|not answered or prefer not to say\s*too few/,
      );
      const body = await page.content();
      expect(body).not.toContain(SECRET);
      expect(body).not.toMatch(/n = 3\b|n = 10\b/);
      mkdirSync(join(ROOT, 'tests/artifacts'), { recursive: true });
      await page.screenshot({ path: join(ROOT, `tests/artifacts/map-split-${kind}.png`), fullPage: true });
      // The drill-down filtered to the 3 shows nothing of theirs; the 12's own quotes are there.
      await page.goto(`${app.url}/pilots/default/indicators/housing?group=residence_status:asylum`);
      await expect(page.locator('[data-small-group]').count()).resolves.toBe(1);
      expect(await page.content()).not.toContain(SECRET);
      await page.goto(`${app.url}/pilots/default/indicators/housing?group=residence_status:permit`);
      await expect(page.locator('blockquote[data-answer-text]').count()).resolves.toBe(12);
      expect(await page.content()).not.toContain(SECRET);
      expect(errors).toEqual([]);
    } finally {
      await ctx?.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 90_000);

  it('splits the drill-down and the funnel over real HTTP with the same rule, and names a bad split in the page language', async () => {
    const b = new HttpBrowser(app.url);
    await b.login('res@example.org');
    const drill = await (await b.get('/pilots/default/indicators/housing?split=residence_status')).text();
    expect(drill).toMatch(/data-cell="suitable_home:permit" data-aggregate="green"/);
    expect(drill).toMatch(/data-cell="suitable_home:asylum" data-aggregate="small_group"/);
    const map = await (await b.get('/pilots/default?split=residence_status')).text();
    expect(map).toMatch(/<tr data-group="permit"><td>Residence permit<\/td><td>12<\/td><td>6<\/td><td>50 %<\/td><\/tr>/);
    expect(map).toMatch(/<tr data-group="asylum"><td>In the asylum procedure<\/td><td colspan="3" class="muted">too few<\/td>/);
    const bad = await b.get('/pilots/default?split=housing_suitable', { 'accept-language': 'nl' });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('housing_suitable');
    const unknown = await (await b.get('/pilots/default?group=residence_status:martian')).text();
    expect(unknown).toContain('residence_status:asylum');
  });

  it('applies it in the read API: ?split and ?group, and a 400 naming a question that is no background question', async () => {
    const split = await api('/api/v1/pilots/default/indicators?split=residence_status');
    expect(split.status).toBe(200);
    expect(split.text).not.toContain(SECRET);
    const body = JSON.parse(split.text);
    expect(body.split.groups).toEqual([
      { id: 'asylum', respondents: null },
      { id: 'temporary_protection', respondents: 0 },
      { id: 'permit', respondents: 12 },
      { id: 'not_answered', respondents: null },
    ]);
    const housingRow = body.data.find((d: { id: string }) => d.id === 'housing');
    expect(housingRow.cells.find((c: { group: string }) => c.group === 'asylum')).toEqual({
      group: 'asylum',
      respondents: null,
      tally: null,
      shares: null,
      aggregate: 'small_group',
    });
    expect(housingRow.cells.find((c: { group: string }) => c.group === 'permit')).toMatchObject({
      respondents: 12,
      tally: { red: 3, green: 9 },
      aggregate: 'green',
    });
    const asylum = JSON.parse((await api('/api/v1/pilots/default/indicators?group=residence_status:asylum')).text);
    expect(asylum.data.find((d: { id: string }) => d.id === 'housing')).toMatchObject({ respondents: null, tally: null, aggregate: 'small_group' });
    const bad = await api('/api/v1/pilots/default/indicators?split=housing_suitable');
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toBe('split: "housing_suitable" is not a background question (it measures an indicator); use one of: residence_status');
    expect((await api('/api/v1/pilots/default/indicators?group=nope:x')).status).toBe(400);
  });

  it('prints a table per group with n from `pilot stats --split`, and names an unknown question with the valid ones', async () => {
    const cli = { ...env, DATA_DIR: app.dir };
    const r = await stemmen(['pilot', 'stats', 'default', '--split', 'residence_status'], cli);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('residence_status = permit (n = 12; 12 started, 6 completed)');
    expect(r.stdout).toContain('residence_status = asylum (too few; too few)');
    expect(r.stdout).toMatch(/residence_status = asylum[\s\S]*?housing\s+too few\s+—/);
    expect(r.stdout).toMatch(/residence_status = permit[\s\S]*?housing\s+green\s+12 {2}red 25%, orange 0%, green 75%/);
    expect(r.stdout).not.toMatch(/\b3 started/);
    const bad = await stemmen(['pilot', 'stats', 'default', '--split', 'age'], cli);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--split: "age" is not a question of survey breakdown-test; use one of: residence_status');
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  }, 60_000);
});
