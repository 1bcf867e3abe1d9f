/**
 * The open-answers page and its API twin through the real app (HTTP, SQLite): filters,
 * search, the Arabic original beside its translations with their own lang/dir, "too few",
 * a search for a phone number refused calmly, viewers kept out, tokens checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config.ts';
import { runTokenCreate } from '../../scripts/commands/token.ts';
import { MediaRepo } from '../../storage/media.ts';
import { ROOT, startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed, type SeedRespondent } from '../helpers/dashboard.ts';

const ARABIC = 'أبحث عن عمل كنجار منذ سنتين';
let app: TestApp;
let researcher: Browser;

const person = (id: string, language: string, text: string, residence: string): SeedRespondent => ({
  id,
  language,
  channel: 'telegram',
  answers: [
    { questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly', light: null, text },
    { questionId: 'residence_status', indicator: null, outcome: null, light: null, choices: [residence] },
  ],
});

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

beforeAll(async () => {
  app = await startTestApp({ MAP_MIN_RESPONDENTS: '3' });
  await seed(app.db, 'default', [
    person('ar1', 'ar', ARABIC, 'asylum_permit'),
    person('nl1', 'nl', 'Op mijn werk word ik eerlijk behandeld', 'asylum_permit'),
    person('nl2', 'nl', 'Mijn baas belt me nooit terug', 'other'),
    person('nl3', 'nl', 'Collega’s helpen me', 'asylum_permit'),
    person('uk1', 'uk', 'Шукаю роботу', 'temporary_protection'),
  ]);
  await new MediaRepo(app.db).setTranslations(
    'a-ar1-0',
    1,
    { nl: 'Ik zoek al twee jaar werk als timmerman', en: 'Looking for carpentry work' },
    'ready',
    new Date().toISOString(),
  );
  await createUser(app.db, 'res@example.org', 'researcher');
  await createUser(app.db, 'view@example.org', 'viewer');
  researcher = new Browser(app.server);
  await researcher.login('res@example.org');
}, 60_000);

afterAll(async () => {
  await app?.dispose();
});

describe('the open-answers page', () => {
  it('is linked from the pilots page and the map', async () => {
    expect((await researcher.get('/')).body).toContain('href="/pilots/default/answers"');
    expect((await researcher.get('/pilots/default')).body).toContain('data-answers-link');
  });

  it('finds the Arabic answer by a Dutch word and shows the original right to left with its translations', async () => {
    const res = await researcher.get('/pilots/default/answers?indicator=work&q=timmerman');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('data-total="1"');
    const block = /<article[\s\S]*?<\/article>/.exec(res.body)![0];
    expect(block).toContain('data-answer="a-ar1-0"');
    expect(block).toMatch(new RegExp(`<div lang="ar" dir="rtl" data-answer-text>${ARABIC}</div>`));
    expect(block).toContain('<div lang="nl" dir="ltr">Ik zoek al twee jaar werk als timmerman</div>');
    expect(block).toContain('<div lang="en" dir="ltr">Looking for carpentry work</div>');
  });

  it('combines filters and keeps them in the form', async () => {
    const res = await researcher.get('/pilots/default/answers?indicator=work&modality=typed&q=werk&group=residence_status:asylum_permit');
    expect(res.body).toContain('data-total="2"');
    expect(res.body).toContain('<option value="residence_status:asylum_permit" selected>');
    expect(res.body).toContain('value="werk"');
    expect((await researcher.get('/pilots/default/answers?modality=video')).body).toContain('data-total="0"');
  });

  it('says "too few" for a group below the minimum, and shows none of its answers', async () => {
    const res = await researcher.get('/pilots/default/answers?group=residence_status:temporary_protection');
    expect(res.body).toContain('data-small-group');
    expect(res.body).not.toContain('Шукаю');
    expect(res.body).not.toContain('data-answer=');
  });

  it('answers search strings with SQL or FTS syntax calmly, and refuses a search for a phone number', async () => {
    for (const q of ['"a" OR 1=1; DROP TABLE answers --', 'NEAR(', '*', '^', ':', '"']) {
      const res = await researcher.get(`/pilots/default/answers?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, q).toBe(200);
      expect(res.body, q).toContain('data-total=');
    }
    const phone = await researcher.get(`/pilots/default/answers?q=${encodeURIComponent('06 1234 5678')}`);
    expect(phone.statusCode).toBe(200);
    expect(phone.body).toContain('data-search-refused');
    expect(phone.body).not.toContain('data-answer=');
    // What the scrubber masks is refused too: an IBAN, a BSN, a street address, a postcode, a URL.
    for (const q of ['NL91ABNA0417164300', 'bsn 111222333', 'Stationsstraat 12', '1234 AB', 'www.example.org']) {
      const res = await researcher.get(`/pilots/default/answers?q=${encodeURIComponent(q)}`);
      expect([res.statusCode, res.body.includes('data-search-refused'), res.body.includes('data-answer=')], q).toEqual([200, true, false]);
    }
    expect((await researcher.get('/pilots/default/answers?wave=zero')).statusCode).toBe(400);
    expect((await researcher.get('/pilots/default/answers?group=residence_status:martian')).statusCode).toBe(400);
  });

  it('is not for viewers, and not for pilots of another organisation', async () => {
    const viewer = new Browser(app.server);
    await viewer.login('view@example.org');
    expect((await viewer.get('/pilots/default/answers')).statusCode).toBe(403);
    expect((await researcher.get('/pilots/nope/answers')).statusCode).toBe(404);
  });
});

describe('GET /api/v1/pilots/{code}/open-answers', () => {
  const get = (url: string, token?: string) => app.server.inject({ url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  it('returns the same answers as the page, with the small-group rule and token checks', async () => {
    const token = await tokenFor('default');
    const res = await get('/api/v1/pilots/default/open-answers?q=timmerman&indicator=work', token);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ smallGroup: false, total: 1, totalCapped: false, next: null, rule: { minRespondents: 3 } });
    expect(body.data[0]).toMatchObject({ answerId: 'a-ar1-0', text: ARABIC, language: 'ar', translations: { nl: 'Ik zoek al twee jaar werk als timmerman' } });
    expect((await get('/api/v1/pilots/default/open-answers?group=residence_status:other', token)).json()).toMatchObject({
      smallGroup: true,
      total: null,
      data: [],
    });
    const refused = await get(`/api/v1/pilots/default/open-answers?q=${encodeURIComponent('someone@example.org')}`, token);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error).toMatch(/personal details/);
    // Not phone-like, so only the scrubber's address rule catches it (bot/web/shown.ts).
    const address = await get(`/api/v1/pilots/default/open-answers?q=${encodeURIComponent('Kerkweg 3')}`, token);
    expect([address.statusCode, address.json().error]).toEqual([400, expect.stringMatching(/street address/)]);
    expect((await get('/api/v1/pilots/default/open-answers?q=NEAR(%22', token)).statusCode).toBe(200);
    expect((await get('/api/v1/pilots/default/open-answers')).statusCode).toBe(401);
    expect((await get('/api/v1/pilots/other/open-answers', token)).statusCode).toBe(403);
    const spec = (await get('/api/v1/openapi.json', token)).json();
    expect(spec.paths['/api/v1/pilots/{code}/open-answers'].get.parameters.map((p: { name: string }) => p.name)).toEqual(
      expect.arrayContaining(['indicator', 'outcome', 'question', 'language', 'group', 'wave', 'modality', 'code', 'q', 'after']),
    );
  });
});
