import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed, type SeedAnswer } from '../helpers/dashboard.ts';

// Small-group protection with the default minimum (MAP_MIN_RESPONDENTS=10).
let app: TestApp;
let b: Browser;

const housing = (light: 'red' | 'green', number: number): SeedAnswer => ({ questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light, number });
const health: SeedAnswer = { questionId: 'health_access', indicator: 'health', outcome: 'access_to_care', light: 'red', number: 2 };
const quote = (text: string): SeedAnswer => ({ questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text });
const tile = (body: string, indicator: string) => new RegExp(`data-indicator="${indicator}" data-aggregate="(\\w+)"`).exec(body)?.[1];
const tileHtml = (body: string, indicator: string) => new RegExp(`data-indicator="${indicator}"[^]*?</a>`).exec(body)![0];

beforeAll(async () => {
  app = await startTestApp();
  await createUser(app.db, 'res@example.org', 'researcher');
  b = new Browser(app.server);
  await b.login('res@example.org');
  // Twelve Dutch speakers on Telegram, three Arabic speakers on WhatsApp (a group below the minimum).
  await seed(app.db, 'default', [
    ...Array.from({ length: 12 }, (_, i) => ({ id: `nl${i}`, language: 'nl', channel: 'telegram', answers: [housing(i < 6 ? 'red' : 'green', i < 6 ? 2 : 9), quote(`Dutch view ${i}`)] })),
    ...Array.from({ length: 3 }, (_, i) => ({ id: `ar${i}`, language: 'ar', channel: 'whatsapp', answers: [housing('red', 1), health, quote(`Arabic view ${i}`)] })),
  ]);
});
afterAll(async () => { await app.dispose(); });

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

  it('applies the same minimum to the read API\'s aggregates', async () => {
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => { out += s; return true; }) as typeof process.stdout.write;
    try { await runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), 'default', 'test'); } finally { process.stdout.write = write; }
    const token = /^(stm_\S+)$/m.exec(out)![1]!;
    const get = async (url: string) => (await app.server.inject({ url, headers: { authorization: `Bearer ${token}` } })).json();
    const all = await get('/api/v1/pilots/default/indicators');
    expect(all.rule.minRespondents).toBe(10);
    expect(all.data.find((d: { id: string }) => d.id === 'housing')).toMatchObject({ respondents: 15, aggregate: 'red', tally: { red: 9, orange: 0, green: 6 } });
    expect(all.data.find((d: { id: string }) => d.id === 'health')).toMatchObject({ respondents: null, tally: null, shares: null, aggregate: 'small_group' });
    const ar = (await get('/api/v1/pilots/default/indicators?language=ar')).data.find((d: { id: string }) => d.id === 'housing');
    expect(ar).toMatchObject({ respondents: null, tally: null, aggregate: 'small_group' });
    expect(ar.outcomes.find((o: { id: string }) => o.id === 'suitable_home')).toEqual({ id: 'suitable_home', respondents: null, tally: null, aggregate: 'small_group' });
    // Outcomes nobody answered say so (zero people reveal nobody); none shows a number from 1–9 people.
    for (const o of ar.outcomes as Array<{ respondents: number | null }>) expect(o.respondents === null || o.respondents === 0).toBe(true);
  });
});
