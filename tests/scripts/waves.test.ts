/**
 * Repeated waves end to end, on SQLite with a real Redis campaign queue: respondents complete
 * wave 1 through try-it, `stemmen pilot wave open` invites only those who agreed to be
 * contacted again (not someone who erased their data or said STOP), their reply starts a
 * wave-2 session that does not ask the background question again (but the one marked
 * `askEachWave`), and the map and the read API show the change per indicator with n, for the
 * same people and for all people, "too few" below the minimum group size.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PilotRepository } from '../../storage/pilots.ts';
import { waveCampaignId } from '../../storage/waves.ts';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { Browser, createUser, PASSWORD } from '../helpers/dashboard.ts';
import { ENV, provided } from '../helpers/services/env.ts';
import { CHROMIUM_ARGS } from '../helpers/services/chromium.ts';

const CODE = 'waves26';
const SURVEY = join(ROOT, 'tests/fixtures/surveys/waves/waves-test.yaml');
let app: TestApp;
let env: Record<string, string>;
let locales: string;

type Reply = Awaited<ReturnType<TryitClient['send']>>;
const buttonsOf = (r: Reply) => r.messages.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.data));

interface Plan {
  residence?: string;
  work: number;
  /** null: skip the question. */
  housing: number | null;
  recontact: boolean;
}

/** Answers whatever the survey asks, by the plan; returns the question ids it was asked. */
async function complete(c: TryitClient, first: Reply, plan: Plan): Promise<string[]> {
  const asked: string[] = [];
  let r = first;
  if (buttonsOf(r).includes('consent:yes')) r = await c.send({ button: 'consent:yes' });
  for (let i = 0; i < 12; i++) {
    const b = buttonsOf(r);
    const q = b.find((d) => d.startsWith('a:'))?.split(':')[1];
    if (q) asked.push(q);
    if (q === 'residence_status') r = await c.send({ button: `a:residence_status:${plan.residence ?? 'asylum'}` });
    else if (q === 'municipality_now') r = await c.send({ button: 'a:municipality_now:utrecht' });
    else if (q === 'work_fair') r = await c.send({ button: `a:work_fair:${plan.work}` });
    else if (q === 'housing_suitable') r = await c.send({ button: plan.housing === null ? 'skip:housing_suitable' : `a:housing_suitable:${plan.housing}` });
    else if (b.includes('rcall:yes')) r = await c.send({ button: plan.recontact ? 'rcall:yes' : 'rcall:no' });
    else if (b.includes('th:work')) {
      await c.send({ button: 'th:work' });
      r = await c.send({ button: 'thd' });
    } else break;
  }
  return asked;
}

const phaseOf = async (c: TryitClient) =>
  (
    await app.db
      .selectFrom('sessions')
      .select(['phase', 'wave'])
      .where('respondent_id', '=', app.handler.respondentIdFor('tryit', c.token))
      .orderBy('started_at', 'desc')
      .executeTakeFirst()
  )?.phase;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-waves-'));
  locales = join(dir, 'locales');
  cpSync(join(ROOT, 'locales'), locales, { recursive: true });
  cpSync(join(ROOT, 'tests/fixtures/surveys/waves/survey-waves-test.json'), join(locales, 'en/survey-waves-test.json'));
  app = await startTestApp({ LOCALES_DIR: locales, MAP_MIN_RESPONDENTS: '3' });
  env = { DATA_DIR: app.dir, QUEUE_PREFIX: app.config.redis.prefix, LOG_LEVEL: 'silent', LOCALES_DIR: locales, QUIET_HOURS: 'off' };
  const pilots = new PilotRepository(app.db);
  const now = new Date().toISOString();
  for (const code of [CODE, 'nobody26', 'quiet26'])
    await pilots.create({ code, name: code, surveyId: 'waves-test', surveyVersion: 1, surveyFile: SURVEY, channels: ['telegram'] }, now);
  return () => rmSync(dir, { recursive: true, force: true });
}, 30_000);
afterAll(async () => {
  await app?.dispose();
});

describe('stemmen pilot wave open: bad input', () => {
  it('refuses a pilot where nobody agreed to be contacted again, and a date in the past or unparseable, exit 1, opening nothing', async () => {
    const none = await stemmen(['pilot', 'wave', 'open', 'nobody26', '--at', '2099-03-01'], env);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(
      'pilot nobody26: nobody agreed to be contacted again (recontact consent), so a new wave would reach no one; nothing was opened',
    );
    expect(none.stderr).not.toMatch(/\n\s+at /);
    const past = await stemmen(['pilot', 'wave', 'open', 'nobody26', '--at', '2020-03-01'], env);
    expect(past.code).toBe(1);
    expect(past.stderr).toMatch(/--at "2020-03-01" is in the past \(it is \d{4}-\d\d-\d\dT\d\d:\d\dZ now\); give a later day, or --at now/);
    const garbage = await stemmen(['pilot', 'wave', 'open', 'nobody26', '--at', 'next spring'], env);
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('--at "next spring" is not a date; use a day such as 2027-03-01');
    const unknown = await stemmen(['pilot', 'wave', 'open', 'nosuch', '--at', 'now'], env);
    expect(unknown.code).toBe(1);
    expect(await app.db.selectFrom('pilot_waves').selectAll().execute()).toEqual([]);
  }, 120_000);
});

describe('two waves', () => {
  let [a, b, c, d, e, f] = [] as TryitClient[];

  it('wave 1: six people complete it; four agree to be contacted again, one of them erases their data, one says STOP', async () => {
    [a, b, c, d, e, f] = Array.from({ length: 6 }, () => new TryitClient(app.url, undefined, 'en'));
    // Wave 1: three red and three green on work; everyone green on housing.
    const plans: Array<[TryitClient, Plan]> = [
      [a!, { residence: 'asylum', work: 2, housing: 9, recontact: true }],
      [b!, { residence: 'family', work: 2, housing: 9, recontact: true }],
      [c!, { residence: 'asylum', work: 2, housing: 9, recontact: true }],
      [d!, { work: 9, housing: 9, recontact: true }],
      [e!, { work: 9, housing: 9, recontact: false }],
      [f!, { work: 9, housing: 9, recontact: true }],
    ];
    for (const [client, plan] of plans) {
      const asked = await complete(client, await client.send({ text: `start ${CODE}` }), plan);
      expect(asked).toEqual(['residence_status', 'municipality_now', 'work_fair', 'housing_suitable']);
      expect(await phaseOf(client)).toBe('completed');
    }
    await d!.send({ text: 'delete' });
    expect(buttonsOf(await d!.send({ button: 'erase:yes' }))).toEqual([]);
    expect((await f!.send({ text: 'STOP' })).messages.length).toBeGreaterThan(0);
    for (const p of [a, b, c, d, e, f]) app.tryit.drain(p!.token);
    const rows = await app.db.selectFrom('answers_v3').select(['wave']).where('pilot_code', '=', CODE).execute();
    expect(rows.length).toBe(5 * 4);
    expect(rows.every((r) => r.wave === 1)).toBe(true);
  }, 120_000);

  it('opens wave 2 now: only A, B and C get the invitation, in English, through the campaign queue', async () => {
    const r = await stemmen(['pilot', 'wave', 'open', CODE, '--at', 'now', '--window', '1s', '--notes', 'half a year later'], env);
    expect(r.stderr).toMatch(/3\/3 \(3 sent, 0 failed\)/);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`wave 2 of pilot ${CODE} opens at`);
    expect(r.stdout).toContain(
      '3 respondent(s) who agreed to be contacted again get an invitation over 1s (outside quiet hours); 1 not (on the do-not-contact list)',
    );
    for (const p of [a, b, c]) {
      const got = app.tryit.drain(p!.token);
      expect(got).toHaveLength(1);
      expect(got[0]).toMatchObject({ language: 'en', dir: 'ltr' });
      expect(got[0]!.text).toContain('round 2, about');
      expect(got[0]!.text).toContain('Questions about yourself that you already answered are not asked again.');
    }
    for (const p of [d, e, f]) expect(app.tryit.drain(p!.token)).toEqual([]);
    const targets = await app.db.selectFrom('campaign_targets').select(['status']).where('campaign_id', '=', waveCampaignId(CODE, 2)).execute();
    expect(targets.map((t) => t.status)).toEqual(['sent', 'sent', 'sent']);

    const list = await stemmen(['pilot', 'wave', 'list', CODE], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^wave 2: opens \d{4}-.*; invitations 3 sent, 0 waiting, 0 failed, 0 not sent; half a year later$/m);
    // Wave 3 can be planned ahead, but no wave 4 before wave 3 has opened.
    const early = await stemmen(['pilot', 'wave', 'open', CODE, '--at', '2099-01-01', '--no-wait'], env);
    expect(early.code).toBe(0);
    const blocked = await stemmen(['pilot', 'wave', 'open', CODE, '--at', '2099-06-01'], env);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/^pilot waves26: wave 3 opens only at 2099-01-01T00:00:00.000Z; open the next wave after that/m);
  }, 120_000);

  it('wave 2: A, B and C answer again without the background question; E (no recontact consent) stays in wave 1; G is new in wave 2', async () => {
    const plans: Array<[TryitClient, Plan]> = [
      [a!, { work: 9, housing: 9, recontact: true }],
      [b!, { work: 9, housing: 9, recontact: true }],
      [c!, { work: 2, housing: null, recontact: true }],
    ];
    for (const [client, plan] of plans) {
      const first = await client.send({ text: 'hello again' });
      expect(buttonsOf(first)).toContain('consent:yes');
      expect(await complete(client, first, plan)).toEqual(['municipality_now', 'work_fair', 'housing_suitable']);
      expect(await phaseOf(client)).toBe('completed');
    }
    const eReply = await e!.send({ text: 'hello again' });
    expect(eReply.messages.map((m) => m.text).join(' ')).toMatch(/already/i);
    const g = new TryitClient(app.url, undefined, 'en');
    expect(await complete(g, await g.send({ text: `start ${CODE}` }), { residence: 'temporary_protection', work: 9, housing: 9, recontact: false })).toEqual([
      'residence_status',
      'municipality_now',
      'work_fair',
      'housing_suitable',
    ]);
    const waves = await app.db
      .selectFrom('answers_v3')
      .select(['wave', (eb) => eb.fn.countAll<number>().as('n')])
      .where('pilot_code', '=', CODE)
      .groupBy('wave')
      .orderBy('wave')
      .execute();
    expect(waves.map((w) => [w.wave, Number(w.n)])).toEqual([
      [1, 20],
      [2, 3 * 3 + 4],
    ]);
    // The wave-1 background answer is still the one the breakdown reads; none was written in wave 2.
    const rid = app.handler.respondentIdFor('tryit', a!.token);
    const res = await app.db
      .selectFrom('answers')
      .select(['wave', 'value_choices'])
      .where('respondent_id', '=', rid)
      .where('question_id', '=', 'residence_status')
      .execute();
    expect(res).toEqual([{ wave: 1, value_choices: '["asylum"]' }]);
    // answers_v2 stays the documented contract, without the wave column.
    const v2 = await app.db.selectFrom('answers_v2').selectAll().where('respondent_id', '=', rid).limit(1).executeTakeFirstOrThrow();
    expect('wave' in v2).toBe(false);
  }, 120_000);

  it('the map and the read API show the change per indicator between the waves, with n, for the same people and for all people', async () => {
    await createUser(app.db, 'waves@example.org', 'admin');
    const browser = new Browser(app.server);
    await browser.login('waves@example.org');
    const page = await browser.get(`/pilots/${CODE}?wave=2`);
    expect(page.statusCode).toBe(200);
    const section = /<section data-waves data-from="1" data-to="2">[\s\S]*?<\/section>/.exec(page.body)?.[0] ?? '';
    expect(section).toContain('Change between waves: wave 1 → wave 2');
    const row = (indicator: string) => new RegExp(`<tr data-wave-indicator="${indicator}">([\\s\\S]*?)</tr>`).exec(section)?.[1] ?? '';
    const cells = (indicator: string) =>
      [...row(indicator).matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((m) =>
        m[1]!
          .replace(/<[^>]+>/g, ' ')
          .replace(/\s+/g, ' ')
          .trim(),
      );
    // Work: everyone went from 3 of 5 red to 1 of 4 (D erased, E and F not invited, G new). The same
    // three people are hidden: beside n = 5 and n = 4 they would give away the 2 and the 1 others.
    expect(cells('work')).toEqual(['too few', 'too few', '–', 'red 60 %, green 40 % n = 5', 'red 25 %, green 75 % n = 4', 'red -35, green +35 points']);
    // Housing: C skipped it in wave 2, so only two people answered both: too few to show.
    expect(cells('housing')).toEqual(['too few', 'too few', '–', 'red 0 %, green 100 % n = 5', 'red 0 %, green 100 % n = 3', 'red 0, green 0 points']);

    const tokenOut = await stemmen(['token', 'create', '--pilot', CODE], env);
    const token = /^(stm_\S+)$/m.exec(tokenOut.stdout)![1]!;
    const api = await app.server.inject({ url: `/api/v1/pilots/${CODE}/waves?wave=2`, headers: { authorization: `Bearer ${token}` } });
    expect(api.statusCode).toBe(200);
    const body = api.json() as { waves: number[]; from: number; to: number; rule: { minRespondents: number }; data: Array<{ indicator: string }> };
    expect(body).toMatchObject({ waves: [1, 2, 3], from: 1, to: 2, rule: { minRespondents: 3 } });
    expect(body.data).toEqual([
      {
        indicator: 'work',
        same: { from: { n: null, red: null, green: null }, to: { n: null, red: null, green: null }, change: null },
        all: { from: { n: 5, red: 60, green: 40 }, to: { n: 4, red: 25, green: 75 }, change: { red: -35, green: 35 } },
      },
      {
        indicator: 'housing',
        same: { from: { n: null, red: null, green: null }, to: { n: null, red: null, green: null }, change: null },
        all: { from: { n: 5, red: 0, green: 100 }, to: { n: 3, red: 0, green: 100 }, change: { red: 0, green: 0 } },
      },
    ]);
    const bad = await app.server.inject({ url: `/api/v1/pilots/${CODE}/waves?wave=one`, headers: { authorization: `Bearer ${token}` } });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(body)).not.toContain(app.handler.respondentIdFor('tryit', a!.token));
  }, 120_000);

  it('in Chromium: the wave selector switches the comparison, under the dashboard CSP', async () => {
    const profile = mkdtempSync(join(tmpdir(), 'stemmen-chromium-'));
    const ctx = await chromium.launchPersistentContext(profile, {
      executablePath: provided(ENV.chromium, ENV.chromiumMissing, 'the wave section test needs Chromium'),
      args: CHROMIUM_ARGS,
    });
    const errors: string[] = [];
    ctx.on('console', (m) => {
      if (m.type() === 'error' && !m.location().url.endsWith('/favicon.ico')) errors.push(m.text());
    });
    try {
      const page = await ctx.newPage();
      await page.goto(`${app.url}/login`);
      await page.fill('#email', 'waves@example.org');
      await page.fill('#password', PASSWORD);
      await Promise.all([page.waitForURL(`${app.url}/`), page.click('button[type=submit]')]);
      await page.goto(`${app.url}/pilots/${CODE}`);
      // The newest wave (3, planned ahead, nobody answered yet) is compared by default.
      await expect(page.locator('section[data-waves]').getAttribute('data-to')).resolves.toBe('3');
      await page.selectOption('section[data-waves] select[name=wave]', '2');
      await Promise.all([page.waitForURL(/\?wave=2$/), page.click('section[data-waves] button[type=submit]')]);
      await expect(page.locator('section[data-waves]').getAttribute('data-from')).resolves.toBe('1');
      const work = page.locator('tr[data-wave-indicator="work"] td');
      await expect(work.count()).resolves.toBe(6);
      await expect(work.nth(4).textContent()).resolves.toMatch(/red 25 %, green 75 %\s*n = 4/);
      await expect(page.locator('tr[data-wave-indicator="work"] td[data-small-group]').count()).resolves.toBe(2);
      await expect(page.locator('tr[data-wave-indicator="housing"] td[data-small-group]').count()).resolves.toBe(2);
      expect(errors).toEqual([]);
    } finally {
      await ctx.close();
      rmSync(profile, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('quiet hours', () => {
  it('plans wave invitations outside the quiet hours', async () => {
    const c = new TryitClient(app.url, undefined, 'en');
    await complete(c, await c.send({ text: 'start quiet26' }), { work: 9, housing: 9, recontact: true });
    // Quiet all day but for one minute, the minute after now: every invitation goes then.
    const at = new Date(Date.now() + 3 * 60_000);
    const hm = (t: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Amsterdam', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(t);
    const end = hm(at);
    const start = hm(new Date(at.getTime() + 60_000));
    const r = await stemmen(['pilot', 'wave', 'open', 'quiet26', '--at', 'now', '--no-wait'], {
      ...env,
      QUIET_HOURS: `${start}-${end}`,
      REMINDER_TIME_ZONE: 'Europe/Amsterdam',
    });
    expect(r.code).toBe(0);
    const t = await app.db
      .selectFrom('campaign_targets')
      .select(['planned_at', 'status'])
      .where('campaign_id', '=', waveCampaignId('quiet26', 2))
      .executeTakeFirstOrThrow();
    expect(t.status).toBe('planned');
    expect(hm(new Date(t.planned_at))).toBe(end);
  }, 30_000);
});
