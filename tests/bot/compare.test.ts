/**
 * The comparison across pilots over real HTTP, on SQLite and PostgreSQL: two pilots of one
 * organisation with different surveys side by side and pooled, a cell of too few people
 * hidden (and the pooled cell with it), the unmatched questions listed, and a pilot of
 * another organisation refused to a dashboard user and to an API token.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import type { CompareCell, Comparison } from '../../bot/web/reporting/compare.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { Organisations } from '../../storage/organisations.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { createUser, seed, type SeedAnswer, type SeedRespondent } from '../helpers/dashboard.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';

const WIDE = join(ROOT, 'tests/fixtures/surveys/wide-example.yaml');
const MIN = 3;

const housing = (light: 'red' | 'green'): SeedAnswer => ({
  questionId: 'housing_suitable',
  indicator: 'housing',
  outcome: 'suitable_home',
  light,
  number: light === 'red' ? 2 : 9,
});
const leisure: SeedAnswer = { questionId: 'leisure_activities', indicator: 'leisure', outcome: 'takes_part_in_activities', light: 'green', choices: ['sport'] };
const people = (prefix: string, n: number, answers: (i: number) => SeedAnswer[]): SeedRespondent[] =>
  Array.from({ length: n }, (_, i) => ({ id: `${prefix}${i}`, language: 'nl', channel: 'tryit', answers: answers(i) }));

describe.each(STORE_KINDS)('comparison across pilots on %s', (kind) => {
  let testDb: TestDatabase;
  let app: TestApp;
  let token: string;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    // Pilots exist before the app starts, so it loads the second pilot's own survey file.
    const db = testDb.open();
    const now = new Date().toISOString();
    const repo = new PilotRepository(db);
    await repo.ensure('default', 'Default pilot', 'default-pilot', 1, now);
    await repo.create(
      {
        code: 'wide',
        name: 'Amersfoort 2027',
        surveyId: 'wide-example',
        surveyVersion: 2,
        surveyFile: WIDE,
        channels: ['telegram'],
        municipality: 'Amersfoort',
      },
      now,
    );
    await new Organisations(db).add({ id: 'ngo-b', name: 'NGO B', now });
    await repo.create(
      { code: 'other', name: 'Elsewhere', surveyId: 'default-pilot', surveyVersion: 1, surveyFile: null, channels: ['telegram'], organisationId: 'ngo-b' },
      now,
    );
    // default: 4 people on housing (3 red, 1 green) and 4 on leisure; wide: 3 on housing, only 2 on leisure (too few).
    await seed(
      db,
      'default',
      people('d', 4, (i) => [housing(i < 3 ? 'red' : 'green'), leisure]),
    );
    await seed(
      db,
      'wide',
      people('w', 3, (i) => (i < 2 ? [housing('green'), leisure] : [housing('green')])),
      'wide-example',
    );
    await seed(
      db,
      'other',
      people('o', 5, () => [housing('red')]),
    );
    await db.destroy();
    app = await startTestApp({ ...testDb.env, MAP_MIN_RESPONDENTS: String(MIN) });
    await createUser(app.db, 'res@example.org', 'researcher', ['default']);
    await createUser(app.db, 'admin@example.org', 'admin');
    let out = '';
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((s: string) => {
      out += s;
      return true;
    }) as typeof process.stdout.write;
    try {
      expect(await runTokenCreate(loadConfig({ DATA_DIR: app.dir, ...testDb.env }, ROOT), 'default', 'R script')).toBe(0);
    } finally {
      process.stdout.write = write;
    }
    token = /^(stm_\S+)$/m.exec(out)![1]!;
  }, 90_000);
  afterAll(async () => {
    await app?.dispose();
    await testDb?.dispose();
  });

  const api = (query: string) => fetch(`${app.url}/api/v1/compare?${query}`, { headers: { authorization: `Bearer ${token}` } });
  const error = async (res: Response) => ((await res.json()) as { error: string }).error;
  const row = (c: Comparison, id: string) => c.indicators.find((r) => r.id === id)!;
  const n = (cell: CompareCell) => cell.respondents;

  it('puts the maps side by side and pooled through the API, with n and the minimum on every cell', async () => {
    const res = await api('pilots=default,wide&pooled=1');
    expect(res.status).toBe(200);
    const c = (await res.json()) as Comparison;
    expect(c.pilots.map((p) => [p.code, p.surveyId, p.municipality])).toEqual([
      ['default', 'default-pilot', null],
      ['wide', 'wide-example', 'Amersfoort'],
    ]);
    expect(c.minRespondents).toBe(MIN);
    for (const r of c.indicators) for (const cell of [...r.cells, r.pooled!]) expect(cell.minRespondents).toBe(MIN);
    const h = row(c, 'housing');
    expect(h.cells.map(n)).toEqual([4, 3]);
    expect(h.cells.map((x) => x.aggregate)).toEqual(['red', 'green']);
    expect(h.pooled).toMatchObject({ respondents: 7, tally: { red: 3, orange: 0, green: 4 }, aggregate: 'red' });
    // Two people on leisure in "wide": no number, no colour; the pool would give them away, so it is hidden too.
    const l = row(c, 'leisure');
    expect(l.cells[0]).toMatchObject({ respondents: 4, aggregate: 'green' });
    expect(l.cells[1]).toMatchObject({ respondents: null, tally: null, shares: null, aggregate: 'small_group' });
    expect(l.pooled).toMatchObject({ respondents: null, aggregate: 'small_group', hiddenBecause: ['wide'] });
    // Different surveys: compared by indicator and outcome; what has no counterpart is named.
    expect(c.sameSurvey).toBe(false);
    expect(row(c, 'education').cells.map((x) => x.asked)).toEqual([true, false]);
    expect(c.unmatched).toContainEqual({
      pilot: 'default',
      surveyId: 'default-pilot',
      question: 'education_access',
      indicator: 'education',
      outcome: 'access_to_education',
      notAskedIn: ['wide'],
    });
    expect(c.unmatched.some((u) => u.pilot === 'wide' || u.question === 'residence_status')).toBe(false);
    expect(JSON.stringify(c)).not.toMatch(/"d0"|"w0"/);
  });

  it('refuses a pilot of another organisation to a token (403, naming it), and bad requests (400)', async () => {
    const other = await api('pilots=default,other');
    expect(other.status).toBe(403);
    expect(await error(other)).toBe('pilots: "other" is not a pilot you may see (this token may compare the pilots of organisation "default")');
    const unknown = await api('pilots=default,nope');
    expect(unknown.status).toBe(403);
    expect(await error(unknown)).toContain('"nope"');
    const one = await api('pilots=default');
    expect(one.status).toBe(400);
    expect(await error(one)).toBe('pilots: name at least two pilots to compare, e.g. ?pilots=a,b');
    expect((await fetch(`${app.url}/api/v1/compare?pilots=default,wide`)).status).toBe(401);
  });

  it('shows the comparison page to a dashboard user, "too few" where a cell is small, and refuses what they may not see', async () => {
    const b = new HttpBrowser(app.url);
    expect((await b.login('res@example.org')).status).toBe(303);
    const start = await (await b.get('/')).text();
    expect(start).toContain('href="/compare"');
    expect(start).toContain('Amersfoort · organisation default');
    const res = await b.get('/compare?pilot=default&pilot=wide&pooled=1');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('data-pilot="default" data-indicator="housing" data-aggregate="red" data-n="4"');
    expect(page).toContain('data-pilot="wide" data-indicator="housing" data-aggregate="green" data-n="3"');
    expect(page).toContain('data-pilot="pooled" data-indicator="housing" data-aggregate="red" data-n="7"');
    expect(page).toContain('data-pilot="wide" data-indicator="leisure" data-aggregate="small_group"');
    expect(page).toContain('data-pilot="pooled" data-indicator="leisure" data-aggregate="small_group"');
    expect(page).toContain('data-pilot="wide" data-indicator="education" data-aggregate="not_asked"');
    expect(page).toContain('data-unmatched="default:education_access"');
    const cells = page.match(/<td data-pilot=[\s\S]*?<\/td>/g)!;
    expect(cells).toHaveLength(14 * 3);
    for (const cell of cells) expect(cell).toContain(`minimum group size: ${MIN} people`);
    const refused = await b.get('/compare?pilots=default,other');
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('Pilot &quot;other&quot; is not one you may see');
    const admin = new HttpBrowser(app.url);
    await admin.login('admin@example.org');
    const unknown = await admin.get('/compare?pilots=default,nope');
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('There is no pilot &quot;nope&quot;');
    expect((await admin.get('/compare?pilots=default,other')).status).toBe(200);
  });
});
