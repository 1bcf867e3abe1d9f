import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Reports } from '../../storage/reports.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed, type SeedAnswer } from '../helpers/dashboard.ts';

let app: TestApp;
let b: Browser;

const housing = (light: 'red' | 'orange' | 'green', number: number, answeredAt = '2026-11-01T10:00:00.000Z'): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number,
  answeredAt,
});
const work = (light: 'red' | 'orange' | 'green'): SeedAnswer => ({
  questionId: 'work_fair',
  indicator: 'work',
  outcome: 'treated_fairly_at_work',
  light,
  number: light === 'green' ? 9 : 2,
});

beforeAll(async () => {
  app = await startTestApp({ MAP_RED_SHARE: '40', MAP_GREEN_SHARE: '70', MAP_MIN_RESPONDENTS: '1' });
  await createUser(app.db, 'res@example.org', 'researcher');
  b = new Browser(app.server);
  await b.login('res@example.org');
  // housing: 2 red of 4 in total (50 % ≥ 40 % → red); only Dutch: 1 red of 3; work: 1 red of 4 and 3 green (75 % ≥ 70 % → green).
  await seed(app.db, 'default', [
    { id: 'a', language: 'nl', channel: 'telegram', completed: true, answers: [housing('red', 2), work('green')] },
    { id: 'b', language: 'nl', channel: 'telegram', answers: [housing('green', 9), work('green')] },
    { id: 'c', language: 'nl', channel: 'whatsapp', answers: [housing('green', 8, '2026-11-05T09:00:00.000Z'), work('green')] },
    { id: 'd', language: 'ar', channel: 'whatsapp', completed: true, answers: [housing('red', 1, '2026-11-07T09:00:00.000Z'), work('red')] },
  ]);
});
afterAll(async () => {
  await app.dispose();
});

const tile = (body: string, indicator: string) => new RegExp(`data-indicator="${indicator}" data-aggregate="(\\w+)"`).exec(body)?.[1];

describe('traffic-light map', () => {
  it('colours each indicator by the configured rule, grouped by the four groups', async () => {
    const res = await b.get('/pilots/default');
    expect(res.statusCode).toBe(200);
    expect(tile(res.body, 'housing')).toBe('red');
    expect(tile(res.body, 'work')).toBe('green');
    expect(tile(res.body, 'rights')).toBe('none');
    expect(res.body.match(/data-indicator=/g)).toHaveLength(14);
    for (const g of ['Markers and means', 'Social connections', 'Facilitators', 'Foundation']) expect(res.body).toContain(`<h2>${g}</h2>`);
    expect(res.body).toContain('at least 40 %');
    expect(res.body).toContain('red 50 %, orange 0 %, green 50 %');
  });

  it('filters by language, channel and date range', async () => {
    expect(tile((await b.get('/pilots/default?language=nl')).body, 'housing')).toBe('orange');
    expect(tile((await b.get('/pilots/default?channel=telegram')).body, 'housing')).toBe('red');
    expect(tile((await b.get('/pilots/default?from=2026-11-02&to=2026-11-05')).body, 'housing')).toBe('green');
    expect(tile((await b.get('/pilots/default?from=2026-11-06')).body, 'housing')).toBe('red');
    const reports = new Reports(app.db);
    expect(await reports.lightsByIndicator('default', { from: '2026-11-02T00:00:00.000Z', to: '2026-11-06T00:00:00.000Z' })).toEqual([
      { key: 'housing', light: 'green', n: 1 },
    ]);
  });

  it('drills into an indicator: outcome bars and a chart per question with every scale point', async () => {
    const res = await b.get('/pilots/default/indicators/housing');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Lives in a home that suits their household');
    expect(res.body).toContain('data-question="housing_suitable"');
    const svg = /data-question="housing_suitable".*?<svg[^>]*>(.*?)<\/svg>/s.exec(res.body)![1]!;
    expect(svg.match(/<rect /g)).toHaveLength(11);
    expect(svg).toContain('<title>2: 1</title>');
    expect(svg).toContain('<title>9: 1</title>');
  });

  it('shows the funnel per language and channel on the start page, with invitations sent', async () => {
    let res = await b.get('/');
    expect(res.body).toContain(
      'data-funnel="default"><td>0</td><td>4</td><td>4</td><td>0</td><td>0</td><td data-unreachable>0</td><td>2</td><td>–</td><td>100 %</td><td>50 %</td><td>–</td>',
    );
    // Eight invitations sent by `stemmen pilot invite` (one still planned does not count).
    const now = new Date().toISOString();
    await app.db.insertInto('campaigns').values({ id: 'invite-default', pilot_code: 'default', kind: 'invite', texts: null, created_at: now }).execute();
    await app.db
      .insertInto('campaign_targets')
      .values([
        ...Array.from({ length: 8 }, (_, i) => ({
          campaign_id: 'invite-default',
          target_key: `k${i}`,
          language: 'ar',
          status: 'sent' as const,
          planned_at: now,
          sent_at: now,
          error: null,
        })),
        { campaign_id: 'invite-default', target_key: 'k-planned', language: 'ar', status: 'planned' as const, planned_at: now, sent_at: null, error: null },
      ])
      .execute();
    res = await b.get('/');
    expect(res.body).toContain(
      'data-funnel="default"><td>8</td><td>4</td><td>4</td><td>0</td><td>0</td><td data-unreachable>0</td><td>2</td><td>50 %</td><td>100 %</td><td>50 %</td><td>–</td>',
    );
    expect(res.body).toContain('<tr><td>ar</td><td>whatsapp</td><td>1</td><td>1</td><td>1</td><td>100 %</td></tr>');
  });
});
