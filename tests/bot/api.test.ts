import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OPENAPI } from '../../bot/web/api/openapi.ts';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate, runTokenRevoke } from '../../scripts/commands/token.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { seed, type SeedAnswer } from '../helpers/dashboard.ts';

let app: TestApp;
let token: string;
let tokenId: string;

const red: SeedAnswer = { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red', number: 2 };

/** Runs a CLI command in-process; returns its exit code and what it printed. */
async function printed(run: () => Promise<number>): Promise<{ code: number; out: string }> {
  let out = '';
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = ((s: string) => {
    out += s;
    return true;
  }) as typeof process.stdout.write;
  try {
    return { code: await run(), out };
  } finally {
    process.stdout.write = write;
  }
}

async function createToken(pilot: string): Promise<{ id: string; token: string }> {
  const { code, out } = await printed(() => runTokenCreate(loadConfig({ DATA_DIR: app.dir }, ROOT), pilot, 'M&E dashboard'));
  expect(code).toBe(0);
  return { id: /^token (\w+)/.exec(out)![1]!, token: /^(stm_\S+)$/m.exec(out)![1]! };
}

const get = (url: string, t: string | null = token) => app.server.inject({ url, headers: t ? { authorization: `Bearer ${t}` } : {} });

beforeAll(async () => {
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '1' });
  await app.store.pilots.ensure('other', 'Other pilot', 'default-pilot', 1, new Date().toISOString());
  await seed(
    app.db,
    'default',
    Array.from({ length: 7 }, (_, i) => ({ id: `r${i}`, language: i % 2 ? 'ar' : 'nl', channel: 'telegram', completed: i < 3, answers: [red] })),
  );
  await seed(app.db, 'other', [{ id: 'o1', language: 'en', channel: 'tryit', answers: [red] }]);
  ({ id: tokenId, token } = await createToken('default'));
});
afterAll(async () => {
  await app.dispose();
});

describe('read API', () => {
  it('stores only a hash of the token', async () => {
    const rows = await app.db.selectFrom('api_tokens').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain(token.slice(4));
  });

  it('refuses requests without a live token, and tokens of another pilot', async () => {
    expect((await get('/api/v1/pilots', null)).statusCode).toBe(401);
    expect((await get('/api/v1/pilots', 'stm_forged')).statusCode).toBe(401);
    const res = await get('/api/v1/pilots/other/answers');
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'this token is for pilot "default", not "other"' });
  });

  it("lists only the token's pilot", async () => {
    const res = await get('/api/v1/pilots');
    expect(res.json().data.map((p: { code: string }) => p.code)).toEqual(['default']);
  });

  it('pages answers with a cursor and streams them as NDJSON', async () => {
    const first = (await get('/api/v1/pilots/default/answers?limit=4')).json();
    expect(first.data).toHaveLength(4);
    const second = (await get(`/api/v1/pilots/default/answers?limit=4&after=${first.next}`)).json();
    expect(second.data).toHaveLength(3);
    expect(second.next).toBeNull();
    const ids = [...first.data, ...second.data].map((a: { answer_id: string }) => a.answer_id);
    expect(new Set(ids).size).toBe(7);
    const nd = await get('/api/v1/pilots/default/answers.ndjson');
    expect(nd.headers['content-type']).toBe('application/x-ndjson');
    expect(
      nd.body
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).answer_id),
    ).toEqual(ids);
    expect((await get('/api/v1/pilots/default/answers?limit=0')).statusCode).toBe(400);
  });

  it('summarises indicators and the funnel', async () => {
    const ind = (await get('/api/v1/pilots/default/indicators?language=ar')).json();
    const housing = ind.data.find((d: { id: string }) => d.id === 'housing');
    expect(housing).toMatchObject({ group: 'markers_and_means', respondents: 3, aggregate: 'red', tally: { red: 3, orange: 0, green: 0 } });
    expect(housing.outcomes.find((o: { id: string }) => o.id === 'suitable_home')).toMatchObject({ respondents: 3, aggregate: 'red' });
    const funnel = (await get('/api/v1/pilots/default/funnel')).json();
    expect(funnel).toMatchObject({ invited: 0, started: 7, consented: 7, completed: 3, responseRate: null });
    // MAP_MIN_RESPONDENTS=1 here: nothing hidden (tests/bot/dashboard-small-groups.test.ts has the default minimum).
    expect(funnel).toMatchObject({ rule: { minRespondents: 1 }, smallGroup: false, otherRows: null });
    expect(funnel.byLanguageAndChannel).toEqual([
      {
        language: 'ar',
        channel: 'telegram',
        hidden: false,
        started: 3,
        consented: 3,
        declined: 0,
        stopped: 0,
        completed: 1,
        unreachable: 0,
        completionRate: 1 / 3,
      },
      {
        language: 'nl',
        channel: 'telegram',
        hidden: false,
        started: 4,
        consented: 4,
        declined: 0,
        stopped: 0,
        completed: 2,
        unreachable: 0,
        completionRate: 0.5,
      },
    ]);
  });

  it('describes every /api/v1 route in its OpenAPI document', async () => {
    const doc = (await get('/api/v1/openapi.json')).json();
    expect(doc.openapi).toBe('3.1.0');
    const routes = app.routes.filter((r) => r.url.startsWith('/api/v1') && r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThanOrEqual(7);
    for (const r of routes) {
      const path = r.url.replace(/:(\w+)/g, '{$1}');
      expect(doc.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.url}`).toBeDefined();
    }
    expect(Object.keys(doc.paths)).toHaveLength(routes.length);
    expect(doc).toEqual(JSON.parse(JSON.stringify(OPENAPI)));
  });

  it('stops working once revoked', async () => {
    expect(await printed(() => runTokenRevoke(loadConfig({ DATA_DIR: app.dir }, ROOT), tokenId))).toEqual({ code: 0, out: `revoked token ${tokenId}\n` });
    expect((await get('/api/v1/pilots')).statusCode).toBe(401);
  });
});
