import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { recordFunnelEvent } from '../../storage/funnel.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed, type SeedAnswer, type SeedRespondent } from '../helpers/dashboard.ts';

// Small-group protection with the default minimum (MAP_MIN_RESPONDENTS=10).
let app: TestApp;
let b: Browser;

const housing = (light: 'red' | 'green', number: number): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number,
});
const health: SeedAnswer = { questionId: 'health_access', indicator: 'health', outcome: 'access_to_care', light: 'red', number: 2 };
const quote = (text: string): SeedAnswer => ({ questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text });
const tile = (body: string, indicator: string) => new RegExp(`data-indicator="${indicator}" data-aggregate="(\\w+)"`).exec(body)?.[1];
const tileHtml = (body: string, indicator: string) => new RegExp(`data-indicator="${indicator}"[^]*?</a>`).exec(body)![0];
const people = (prefix: string, n: number, language: string, channel: string, completed = 0): SeedRespondent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, language, channel, completed: i < completed, answers: [] }));
/** The start page's card of one pilot. */
const card = (body: string, code: string) =>
  new RegExp(`<section class="card"><h2>[^<]*<span class="muted">\\(${code}\\)</span>[^]*?</section>`).exec(body)![0];
/** The numbers in a piece of HTML's text (tags and attributes left out). */
const numbers = (h: string) => (h.replace(/<[^>]*>/g, ' ').match(/\d+/g) ?? []).map(Number);

async function tokenFor(pilot: string): Promise<string> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    await runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), pilot, 'test');
  } finally {
    process.stdout.write = write;
  }
  return /^(stm_\S+)$/m.exec(out)![1]!;
}
const apiGet = async (token: string, url: string) => (await app.server.inject({ url, headers: { authorization: `Bearer ${token}` } })).json();

beforeAll(async () => {
  app = await startTestApp();
  await createUser(app.db, 'res@example.org', 'researcher');
  b = new Browser(app.server);
  await b.login('res@example.org');
  // Twelve Dutch speakers on Telegram, three Arabic speakers on WhatsApp (a group below the minimum).
  await seed(app.db, 'default', [
    ...Array.from({ length: 12 }, (_, i) => ({
      id: `nl${i}`,
      language: 'nl',
      channel: 'telegram',
      answers: [housing(i < 6 ? 'red' : 'green', i < 6 ? 2 : 9), quote(`Dutch view ${i}`)],
    })),
    ...Array.from({ length: 3 }, (_, i) => ({
      id: `ar${i}`,
      language: 'ar',
      channel: 'whatsapp',
      answers: [housing('red', 1), health, quote(`Arabic view ${i}`)],
    })),
  ]);
  // Funnels: 12 + 2 (two rows); 12 + 11 + 2 (three rows; 3 of them reminded); 3 people in all.
  const now = new Date().toISOString();
  for (const [code, name] of [
    ['two-rows', 'Two rows'],
    ['three-rows', 'Three rows'],
    ['tiny', 'Tiny'],
  ] as const)
    await app.store.pilots.ensure(code, name, 'default-pilot', 1, now);
  await seed(app.db, 'two-rows', [...people('t-nl', 12, 'nl', 'telegram', 7), ...people('t-ar', 2, 'ar', 'whatsapp', 1)]);
  await seed(app.db, 'three-rows', [
    ...people('h-nl', 12, 'nl', 'telegram', 7),
    ...people('h-en', 11, 'en', 'telegram', 5),
    ...people('h-ar', 2, 'ar', 'whatsapp', 1),
  ]);
  for (let i = 0; i < 3; i++)
    await recordFunnelEvent(app.db, { pilotCode: 'three-rows', surveyId: 'default-pilot', language: 'nl', channel: 'telegram' }, 'reminded', now);
  await seed(app.db, 'tiny', people('y-nl', 3, 'nl', 'telegram', 1));
});
afterAll(async () => {
  await app.dispose();
});

describe('small-group protection', () => {
  it('colours an indicator from at least the minimum of people, and shows "too few answers" in grey below it, without a number', async () => {
    const res = await b.get('/pilots/default');
    expect(tile(res.body, 'housing')).toBe('red');
    expect(tileHtml(res.body, 'housing')).toContain('15 people');
    expect(tile(res.body, 'health')).toBe('small_group');
    expect(tileHtml(res.body, 'health')).toContain('too few answers');
    expect(tileHtml(res.body, 'health')).not.toMatch(/\d+ (people|person)|%/);
    expect(tile(res.body, 'work')).toBe('none');
  });

  it('shows no filter combination that narrows to fewer people than the minimum', async () => {
    const ar = await b.get('/pilots/default?language=ar');
    expect(tile(ar.body, 'housing')).toBe('small_group');
    expect(tileHtml(ar.body, 'housing')).not.toMatch(/\d+ (people|person)|%/);
    expect(tile((await b.get('/pilots/default?channel=whatsapp')).body, 'housing')).toBe('small_group');
    expect(tile((await b.get('/pilots/default?language=nl&channel=telegram')).body, 'housing')).toBe('red');
  });

  it('shows no quote, bar or chart of a group smaller than the minimum in the drill-down', async () => {
    const small = await b.get('/pilots/default/indicators/housing?language=ar');
    expect(small.statusCode).toBe(200);
    expect(small.body).toContain('data-small-group');
    expect(small.body).not.toContain('Arabic view');
    expect(small.body).not.toContain('data-answer-text');
    expect(small.body).not.toContain('<svg');
    const all = await b.get('/pilots/default/indicators/housing');
    expect(all.body).not.toContain('data-small-group');
    expect(all.body).toContain('Arabic view 0');
    expect(all.body.match(/data-answer-text/g)).toHaveLength(15);
  });

  it("applies the same minimum to the read API's aggregates", async () => {
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      out += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      await runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), 'default', 'test');
    } finally {
      process.stdout.write = write;
    }
    const token = /^(stm_\S+)$/m.exec(out)![1]!;
    const get = async (url: string) => (await app.server.inject({ url, headers: { authorization: `Bearer ${token}` } })).json();
    const all = await get('/api/v1/pilots/default/indicators');
    expect(all.rule.minRespondents).toBe(10);
    expect(all.data.find((d: { id: string }) => d.id === 'housing')).toMatchObject({
      respondents: 15,
      aggregate: 'red',
      tally: { red: 9, orange: 0, green: 6 },
    });
    expect(all.data.find((d: { id: string }) => d.id === 'health')).toMatchObject({ respondents: null, tally: null, shares: null, aggregate: 'small_group' });
    const ar = (await get('/api/v1/pilots/default/indicators?language=ar')).data.find((d: { id: string }) => d.id === 'housing');
    expect(ar).toMatchObject({ respondents: null, tally: null, aggregate: 'small_group' });
    expect(ar.outcomes.find((o: { id: string }) => o.id === 'suitable_home')).toEqual({
      id: 'suitable_home',
      respondents: null,
      tally: null,
      aggregate: 'small_group',
    });
    // Outcomes nobody answered say so (zero people reveal nobody); none shows a number from 1–9 people.
    for (const o of ar.outcomes as Array<{ respondents: number | null }>) expect(o.respondents === null || o.respondents === 0).toBe(true);
  });

  it('hides a small language × channel row on the start page, and the row that would give it away by subtraction', async () => {
    const two = card((await b.get('/')).body, 'two-rows');
    // The total (14) is shown; with one row of 12 beside it the 2 would follow, so both rows are hidden.
    expect(two).toMatch(/data-funnel="two-rows"><td>0<\/td><td>14<\/td><td>14<\/td>/);
    expect(two).toContain('data-small-group-rows');
    expect(two).not.toContain('data-hidden-row');
    expect(numbers(two.slice(two.indexOf('data-small-group-rows')))).toEqual([]);
    expect(numbers(two)).not.toContain(12);
    expect(numbers(two)).not.toContain(2);
  });

  it('shows the large rows when the hidden ones together are large enough, and no rate of a small group', async () => {
    const three = card((await b.get('/')).body, 'three-rows');
    expect(three).toMatch(/data-funnel="three-rows"><td>0<\/td><td>25<\/td>/);
    expect(three).toContain('<tr><td>nl</td><td>telegram</td><td>12</td><td>12</td><td>7</td><td>58 %</td></tr>');
    // ar (2) is hidden; en (11, the smallest large row) with it, so total − nl = 13 is two rows together.
    expect(three.match(/<tr data-hidden-row><td>(\w+)<\/td><td>(\w+)<\/td><td colspan="4"/g)).toEqual([
      '<tr data-hidden-row><td>ar</td><td>whatsapp</td><td colspan="4"',
      '<tr data-hidden-row><td>en</td><td>telegram</td><td colspan="4"',
    ]);
    expect(three).toMatch(/<tr data-other-row><td colspan="2">Hidden rows together<\/td><td>13<\/td><td>13<\/td><td>6<\/td><td>46 %<\/td><\/tr>/);
    expect(numbers(three)).not.toContain(11);
    expect(numbers(three)).not.toContain(2);
    // Three people were reminded: no reminder effect.
    expect(
      /data-funnel="three-rows">(.*?)<\/tr>/
        .exec(three)![1]!
        .match(/<td>[\s\S]*?<\/td>/g)!
        .at(-1),
    ).toContain('too few');
  });

  it('shows only "too few answers yet" for a pilot that fewer than the minimum started', async () => {
    const tiny = card((await b.get('/')).body, 'tiny');
    expect(tiny).toContain('data-small-group="tiny"');
    expect(tiny).toContain('Too few answers yet: numbers are shown once at least 10 people have started.');
    expect(tiny).not.toContain('data-funnel');
    expect(numbers(tiny.slice(tiny.indexOf('data-small-group')))).toEqual([10]);
  });

  it("applies the same to the read API's funnel", async () => {
    const two = await apiGet(await tokenFor('two-rows'), '/api/v1/pilots/two-rows/funnel');
    expect(two).toMatchObject({ rule: { minRespondents: 10 }, smallGroup: false, started: 14, completed: 8, invited: 0, otherRows: null });
    expect(two.byLanguageAndChannel).toEqual([
      {
        language: 'ar',
        channel: 'whatsapp',
        hidden: true,
        started: null,
        consented: null,
        declined: null,
        stopped: null,
        completed: null,
        unreachable: null,
        completionRate: null,
      },
      {
        language: 'nl',
        channel: 'telegram',
        hidden: true,
        started: null,
        consented: null,
        declined: null,
        stopped: null,
        completed: null,
        unreachable: null,
        completionRate: null,
      },
    ]);
    const three = await apiGet(await tokenFor('three-rows'), '/api/v1/pilots/three-rows/funnel');
    expect(three).toMatchObject({ started: 25, reminded: null, completedAfterReminder: null, reminderEffect: null, otherRows: { started: 13, completed: 6 } });
    expect(three.byLanguageAndChannel.map((r: { language: string; hidden: boolean; started: number | null }) => [r.language, r.hidden, r.started])).toEqual([
      ['ar', true, null],
      ['en', true, null],
      ['nl', false, 12],
    ]);
    const tiny = await apiGet(await tokenFor('tiny'), '/api/v1/pilots/tiny/funnel');
    expect(tiny).toMatchObject({ smallGroup: true, started: null, consented: null, completed: null, completionRate: null, consentRate: null, otherRows: null });
    expect(tiny.byLanguageAndChannel).toEqual([
      {
        language: 'nl',
        channel: 'telegram',
        hidden: true,
        started: null,
        consented: null,
        declined: null,
        stopped: null,
        completed: null,
        unreachable: null,
        completionRate: null,
      },
    ]);
  });

  it('plays no recording of an indicator answered by fewer than the minimum', async () => {
    const file = 'small/voice.ogg';
    const path = join(app.config.media.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, 'OggS');
    await app.db.updateTable('answers').set({ media_file: file, media_type: 'ogg', media_kind: 'voice' }).where('id', '=', 'a-ar0-1').execute(); // health: 3 people
    await app.db.updateTable('answers').set({ media_file: file, media_type: 'ogg', media_kind: 'voice' }).where('id', '=', 'a-ar0-0').execute(); // housing: 15 people
    expect((await b.get('/answers/a-ar0-1/media')).statusCode).toBe(404);
    expect((await b.get('/answers/a-ar0-0/media')).statusCode).toBe(200);
  });
});
