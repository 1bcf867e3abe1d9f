/**
 * Qualitative coding through the real app over HTTP (fastify inject, real login, CSRF tokens as
 * a browser keeps them): the codebook page, coding answers on the drill-down, counts with the
 * minimum group size, coded-quote exports scanned for anything that leads back to a person,
 * what each role may see and do, and erasure taking codes and quotes with it; the whole app on
 * a SQLite file and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { Browser, createUser, seed, type SeedAnswer, type SeedRespondent } from '../helpers/dashboard.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

// MAP_MIN_RESPONDENTS=3: six people answered about housing, two about work (too few).
let app: TestApp;
const PHONE = '+31612345678';
const housingScale: SeedAnswer = { questionId: 'housing_suitable', indicator: 'housing', outcome: 'suitable_home', light: 'red', number: 2 };
const housingWhy = (text: string): SeedAnswer => ({ questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text });
const workWhy = (text: string): SeedAnswer => ({ questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly_at_work', light: null, text });
const age = (band: string): SeedAnswer => ({ questionId: 'age_band', indicator: null, outcome: null, light: null, choices: [band] });
const HOUSING: Array<{ id: string; language: string; text: string; band: string | null }> = [
  { id: 'h0', language: 'ar', text: 'البيت صغير جدا والإيجار مرتفع', band: 'from_18_to_29' },
  { id: 'h1', language: 'nl', text: 'Het huis is te klein voor ons gezin', band: 'from_18_to_29' },
  { id: 'h2', language: 'nl', text: 'Schimmel in de badkamer', band: 'from_18_to_29' },
  { id: 'h3', language: 'ti', text: 'ገዛና ንእሽቶ እዩ', band: 'from_18_to_29' },
  { id: 'h4', language: 'en', text: 'The landlord never answers', band: 'over_65' },
  { id: 'h5', language: 'en', text: '=HYPERLINK("http://x")', band: null },
];
const textAnswer = (id: string) => `a-${id}-1`;

async function loggedIn(email: string, ip: string): Promise<Browser> {
  const b = new Browser(app.server, ip);
  expect((await b.login(email)).statusCode).toBe(303);
  return b;
}

/** Posts a form of the page at `from` (its CSRF token and `back`), as the page's own form would. */
async function submit(b: Browser, from: string, action: string, form: Record<string, string>) {
  const page = await b.get(from);
  return b.post(action, { _csrf: Browser.csrf(page.body), back: from, ...form });
}

const codeId = async (label: string) => (await app.db.selectFrom('codes').select('id').where('label', '=', label).executeTakeFirstOrThrow()).id;

describe.each(STORE_KINDS)('on %s', (kind) => {
  let testDb: TestDatabase;
  let researcher: Browser;
  let viewer: Browser;
  let coordinator: Browser;

  beforeAll(async () => {
    testDb = await createTestDatabase(kind);
    app = await startTestApp({ ...testDb.env, MAP_MIN_RESPONDENTS: '3' });
    await createUser(app.db, 'res@example.org', 'researcher');
    await createUser(app.db, 'view@example.org', 'viewer');
    await createUser(app.db, 'coord@example.org', 'coordinator');
    const people: SeedRespondent[] = HOUSING.map((h) => ({
      id: h.id,
      language: h.language,
      channel: 'telegram',
      ...(h.id === 'h4' ? { address: PHONE } : {}),
      answers: [housingScale, housingWhy(h.text), ...(h.band ? [age(h.band)] : [])],
    }));
    people.push(
      { id: 'w0', language: 'nl', channel: 'tryit', answers: [workWhy('Geen contract gekregen')] },
      { id: 'w1', language: 'nl', channel: 'tryit', answers: [workWhy('Mijn diploma telt niet')] },
    );
    await seed(app.db, 'default', people);
    researcher = await loggedIn('res@example.org', '10.1.0.1');
    viewer = await loggedIn('view@example.org', '10.1.0.2');
    coordinator = await loggedIn('coord@example.org', '10.1.0.3');
  });
  afterAll(async () => {
    await app?.dispose();
    await testDb?.dispose();
  });

  describe('coding open answers', () => {
    it('keeps a codebook through its forms: create, a clashing label refused calmly, edit, retire and restore, with the audit trail on the page', async () => {
      const book = '/pilots/default/codebook';
      for (const [label, indicator, description] of [
        ['Housing costs', 'housing', 'Rent, deposits, bills'],
        ['Small home', 'housing', ''],
        ['Landlord', '', ''],
        ['Recognition of diplomas', 'work', ''],
      ])
        expect((await submit(researcher, book, `${book}/codes`, { label: label!, indicator: indicator!, description: description! })).statusCode).toBe(303);
      const clash = await submit(researcher, book, `${book}/codes`, { label: ' landlord ', indicator: '', description: '' });
      expect(clash.statusCode).toBe(400);
      expect(clash.body).toContain('There is already a code &quot;Landlord&quot; in this pilot');
      const empty = await submit(researcher, book, `${book}/codes`, { label: '', indicator: '', description: '' });
      expect(empty.statusCode).toBe(400);
      expect(empty.body).toContain('give the code a label');

      const small = await codeId('Small home');
      expect(
        (await submit(researcher, book, `${book}/codes/${small}`, { label: 'Home too small', indicator: 'housing', description: 'Not enough room' }))
          .statusCode,
      ).toBe(303);
      expect((await submit(researcher, book, `${book}/codes/${small}/retire`, {})).statusCode).toBe(303);
      const page = await researcher.get(book);
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('data-code-row="Home too small"');
      expect(page.body).toMatch(/data-code-row="Home too small"[\s\S]*?retired[\s\S]*?Restore/);
      expect(page.body).toContain('data-create-code');
      const trail = /<table data-audit-trail>[\s\S]*?<\/table>/.exec(page.body)![0];
      expect(trail.match(/data-audit="code\.create"/g)).toHaveLength(4);
      expect(trail).toContain('data-audit="code.update"');
      expect(trail).toContain('data-audit="code.retire"');
      expect(trail).toContain('res@example.org');
      expect((await submit(researcher, book, `${book}/codes/${small}/restore`, {})).statusCode).toBe(303);
      expect((await app.db.selectFrom('codes').select('retired_at').where('id', '=', small).executeTakeFirstOrThrow()).retired_at).toBeNull();
    });

    it('codes answers on the drill-down (several per answer, back to the same page), and refuses a code of another indicator with a clear message', async () => {
      const drill = '/pilots/default/indicators/housing?language=';
      const page = await researcher.get(drill);
      expect(page.body.match(/data-coding>/g)).toHaveLength(6);
      // Only codes that fit a housing answer are offered.
      expect(page.body).toContain('>Housing costs</option>');
      expect(page.body).not.toContain('>Recognition of diplomas</option>');
      const costs = await codeId('Housing costs');
      const landlord = await codeId('Landlord');
      const small = await codeId('Home too small');
      for (const id of ['h0', 'h1', 'h2', 'h3']) {
        const r = await submit(researcher, drill, `/pilots/default/coding/${textAnswer(id)}/assign`, { code: costs });
        expect(r.statusCode).toBe(303);
        expect(r.headers.location).toBe(drill);
      }
      await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h0')}/assign`, { code: small });
      await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h4')}/assign`, { code: landlord });
      await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h5')}/assign`, { code: small });
      const wrong = await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h1')}/assign`, { code: await codeId('Recognition of diplomas') });
      expect(wrong.statusCode).toBe(400);
      expect(wrong.body).toContain('The code &quot;Recognition of diplomas&quot; belongs to Work');
      expect(wrong.body).toContain('does not fit an answer about Housing');
      const after = await researcher.get(drill);
      const h0 = /<blockquote[^>]*>(?:<span[^>]*>)?البيت[\s\S]*?<\/blockquote><div class="coding" data-coding>[\s\S]*?<\/div>/.exec(after.body)![0];
      expect(h0).toContain('data-code="Housing costs"');
      expect(h0).toContain('data-code="Home too small"');
      // Unassign, then assign again: the audit counts both.
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h5')}/unassign`, { code: small })).statusCode).toBe(303);
      const rows = await app.db.selectFrom('coding_audit').select('action').where('action', 'in', ['answer.code', 'answer.uncode']).execute();
      expect(rows.filter((r) => r.action === 'answer.code')).toHaveLength(7);
      expect(rows.filter((r) => r.action === 'answer.uncode')).toHaveLength(1);
    });

    it('counts answers and people per code × indicator, showing "too few" for a cell of fewer people than the minimum', async () => {
      const page = await researcher.get('/pilots/default/codebook');
      const counts = /<table data-counts>[\s\S]*?<\/table>/.exec(page.body)![0];
      expect(/<th scope="row">Housing costs<\/th>[\s\S]*?<\/tr>/.exec(counts)![0]).toContain('answers: 4 · people: 4');
      const landlord = /<th scope="row">Landlord<\/th>[\s\S]*?<\/tr>/.exec(counts)![0];
      expect(landlord).toContain('data-small-group');
      expect(landlord).toContain('too few answers');
      expect(landlord).not.toMatch(/answers: \d/);
    });

    it('answers bad coding forms calmly: no code chosen, an unknown answer or code, and a return address off the site', async () => {
      const drill = '/pilots/default/indicators/housing';
      const none = await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h1')}/assign`, {});
      expect(none.statusCode).toBe(400);
      expect(none.body).toContain('code: choose a code');
      const unknown = await submit(researcher, drill, '/pilots/default/coding/no-such-answer/assign', { code: await codeId('Landlord') });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.body).toContain('There is no such answer in this pilot');
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h1')}/assign`, { code: 'nope' })).statusCode).toBe(404);
      const page = await researcher.get(drill);
      const away = await researcher.post(`/pilots/default/coding/${textAnswer('h1')}/share`, { _csrf: Browser.csrf(page.body), back: 'https://evil.example/' });
      expect(away.statusCode).toBe(303);
      expect(away.headers.location).toBe('/');
      const back = await researcher.post(`/pilots/default/coding/${textAnswer('h1')}/unshare`, { _csrf: Browser.csrf(page.body), back: '//evil.example/' });
      expect(back.headers.location).toBe('/');
      expect(await app.db.selectFrom('shared_quotes').select('answer_id').execute()).toEqual([]);
    });

    it('refuses coding forms without the session CSRF token, and writes nothing', async () => {
      const before = await app.db.selectFrom('answer_codes').select('answer_id').execute();
      const r = await researcher.post(`/pilots/default/coding/${textAnswer('h4')}/assign`, { code: await codeId('Housing costs'), _csrf: 'forged' });
      expect(r.statusCode).toBe(403);
      expect(r.body).toContain('This form has expired');
      expect((await researcher.post('/pilots/default/codebook/codes', { label: 'Sneaky' })).statusCode).toBe(403);
      expect((await researcher.post(`/pilots/default/coding/${textAnswer('h4')}/share`, {})).statusCode).toBe(403);
      expect(await app.db.selectFrom('answer_codes').select('answer_id').execute()).toHaveLength(before.length);
      expect(await app.db.selectFrom('codes').select('id').where('label', '=', 'Sneaky').execute()).toEqual([]);
      expect(await app.db.selectFrom('shared_quotes').select('answer_id').execute()).toEqual([]);
    });

    it('shows viewers only the quotes marked shareable, beside the map and on the indicator, and none of an indicator with too few people', async () => {
      const drill = '/pilots/default/indicators/housing';
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h0')}/share`, {})).statusCode).toBe(303);
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h4')}/share`, {})).statusCode).toBe(303);
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('h4')}/unshare`, {})).statusCode).toBe(303);
      // Work has two people: below the minimum, so a shareable quote of it stays hidden.
      const [w0] = await app.db.selectFrom('answers').select('id').where('respondent_id', '=', 'w0').execute();
      expect((await submit(researcher, '/pilots/default/codebook', `/pilots/default/coding/${w0!.id}/share`, {})).statusCode).toBe(303);

      const map = await viewer.get('/pilots/default');
      expect(map.statusCode).toBe(200);
      const quotes = /data-shared-quotes="housing"[\s\S]*?<\/section>/.exec(map.body)![0];
      expect(quotes).toContain('<p lang="ar" dir="rtl">البيت صغير جدا والإيجار مرتفع</p>');
      expect(quotes).toContain('Arabic (ar)');
      expect(quotes).toContain('November 2026');
      expect(map.body).not.toContain('The landlord never answers');
      expect(map.body).not.toContain('Geen contract gekregen');
      expect(map.body).not.toContain('data-shared-quotes="work"');
      for (const other of HOUSING.slice(1)) expect(map.body).not.toContain(other.text.replace(/"/g, '&quot;'));
      // Nothing that points at the answer or the person: no answer id, no exact date.
      expect(map.body).not.toContain(textAnswer('h0'));
      expect(map.body).not.toMatch(/2026-11-01/);

      const indicator = await viewer.get(drill);
      expect(indicator.statusCode).toBe(200);
      expect(indicator.body).toContain('البيت صغير جدا والإيجار مرتفع');
      expect(indicator.body).not.toContain('data-answer-text');
      expect(indicator.body).not.toContain('data-coding');
      expect(indicator.body).not.toContain('Het huis is te klein');
      // A filter that narrows below the minimum hides the quote too.
      expect((await viewer.get('/pilots/default?language=ar')).body).not.toContain('البيت');
    });

    it('keeps viewers off the codebook and the coding routes, and coordinators read-only', async () => {
      expect((await viewer.get('/pilots/default/codebook')).statusCode).toBe(403);
      const costs = await codeId('Housing costs');
      for (const [action, form] of [
        ['assign', { code: costs }],
        ['unassign', { code: costs }],
        ['share', {}],
        ['unshare', {}],
      ] as const) {
        const page = await viewer.get('/pilots/default');
        const r = await viewer.post(`/pilots/default/coding/${textAnswer('h1')}/${action}`, { ...form, _csrf: Browser.csrf(page.body) });
        expect(r.statusCode, action).toBe(403);
      }
      const vpage = await viewer.get('/pilots/default');
      expect((await viewer.post('/pilots/default/codebook/codes', { label: 'x', _csrf: Browser.csrf(vpage.body) })).statusCode).toBe(403);
      expect((await viewer.get('/pilots/default/exports/coded-quotes.csv')).statusCode).toBe(403);

      const book = await coordinator.get('/pilots/default/codebook');
      expect(book.statusCode).toBe(200);
      expect(book.body).toContain('Housing costs');
      expect(book.body).not.toContain('data-create-code');
      expect(book.body).not.toContain('/codebook/codes/');
      const drill = await coordinator.get('/pilots/default/indicators/housing');
      expect(drill.body).toContain('data-code="Housing costs"');
      expect(drill.body).not.toContain('/assign');
      const r = await coordinator.post(`/pilots/default/coding/${textAnswer('h1')}/share`, { _csrf: Browser.csrf(drill.body) });
      expect(r.statusCode).toBe(403);
    });

    it('exports coded quotes as CSV and a quotes document, with codes, translations and groups only where large enough, and no id or timestamp', async () => {
      await app.db
        .updateTable('answers')
        .set({ translations: JSON.stringify({ nl: 'Het huis is erg klein en de huur hoog', en: 'The house is very small and the rent high' }) })
        .where('id', '=', textAnswer('h0'))
        .execute();
      const res = await researcher.get('/pilots/default/exports/coded-quotes.csv');
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-disposition']).toContain('default-coded-quotes.csv');
      const csv = res.body.replace(/^\uFEFF/, '');
      const lines = csv.trim().split('\r\n');
      expect(lines[0]).toBe(
        'indicator,outcome,question,question_text,codes,shareable,language,original,translation_en,translation_nl,group_age_band,group_residence_status,group_months_in_nl,wave',
      );
      expect(lines).toHaveLength(6);
      const h0 = lines.find((l) => l.includes('البيت'))!;
      expect(h0).toContain(
        'Home too small; Housing costs,1,ar,البيت صغير جدا والإيجار مرتفع,The house is very small and the rent high,Het huis is erg klein en de huur hoog',
      );
      // 18–29 has four people (named); 65+ has one (hidden: "—").
      expect(h0).toMatch(/,18.29[^,]*,—,—,1$/);
      const h4 = lines.find((l) => l.includes('landlord never answers'))!;
      expect(h4).toMatch(/,—,—,—,1$/);
      expect(h4).not.toMatch(/65/);
      // h5's only code was taken off again: not a coded quote.
      expect(csv).not.toContain('HYPERLINK');

      const doc = await researcher.get('/pilots/default/exports/quotes.html');
      expect(doc.statusCode).toBe(200);
      expect(doc.headers['content-type']).toContain('text/html');
      expect(doc.body).toContain('<section data-indicator="housing"><h2>Housing</h2><h3>Home too small</h3>');
      expect(doc.body).toMatch(/<h3>Housing costs<\/h3><p class="muted">Rent, deposits, bills<\/p>/);
      expect(doc.body).toContain('<p lang="ti" dir="ltr">ገዛና ንእሽቶ እዩ</p>');
      expect(doc.body).toContain('<span lang="nl" dir="ltr">Het huis is erg klein en de huur hoog</span>');

      // No id or timestamp that leads back to a person, in either file.
      const rows = await app.db
        .selectFrom('answers')
        .innerJoin('sessions', 'sessions.id', 'answers.session_id')
        .select(['answers.id', 'answers.respondent_id', 'answers.session_id', 'answers.source_message_id'])
        .execute();
      const needles = [...new Set(rows.flatMap((r) => [r.id, r.session_id, r.source_message_id, `"${r.respondent_id}"`, `,${r.respondent_id},`]))];
      for (const [name, body] of [
        ['coded-quotes.csv', csv],
        ['quotes.html', doc.body],
      ] as const) {
        for (const n of needles) expect(body.includes(n), `${name} contains ${n}`).toBe(false);
        expect(body, name).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|2026-11-01/);
        expect(body, name).not.toContain(PHONE);
        expect(body, name).not.toContain('31612345678');
      }
      const exportsPage = await researcher.get('/pilots/default/exports');
      expect(exportsPage.body).toContain('href="/pilots/default/exports/coded-quotes.csv"');
      expect(exportsPage.body).toContain('href="/pilots/default/exports/quotes.html"');
    });

    it('erasing a respondent takes their codes and shareable mark with them: gone from the exports and the viewers’ map, kept in the audit without text', async () => {
      await app.store.transaction((tx) => tx.eraseRespondent('h0'));
      expect(await app.db.selectFrom('answer_codes').select('answer_id').where('answer_id', '=', textAnswer('h0')).execute()).toEqual([]);
      expect(await app.db.selectFrom('shared_quotes').select('answer_id').where('pilot_code', '=', 'default').execute()).toHaveLength(1);
      const csv = (await researcher.get('/pilots/default/exports/coded-quotes.csv')).body;
      expect(csv).not.toContain('البيت');
      expect((await researcher.get('/pilots/default/exports/quotes.html')).body).not.toContain('البيت');
      expect((await viewer.get('/pilots/default')).body).not.toContain('البيت');
      const book = await researcher.get('/pilots/default/codebook');
      expect(book.body).toContain('answer since erased');
      const audit = await app.db.selectFrom('coding_audit').select('detail').execute();
      expect(JSON.stringify(audit)).not.toMatch(/البيت|klein|landlord never/);
    });

    it('keeps a 20,000-character answer in mixed scripts with bidi controls, and an emoji-only one, whole in the export and escaped on the page', async () => {
      const long = `<b>\u202Eالبيت</b> ${'ሰላም Huis huur ہمارا گھر '.repeat(900)}`.slice(0, 20_000);
      await seed(app.db, 'default', [
        { id: 'x0', language: 'fa', channel: 'tryit', answers: [housingScale, housingWhy(long)] },
        { id: 'x1', language: 'en', channel: 'tryit', answers: [housingScale, housingWhy('🏠😞')] },
      ]);
      const drill = '/pilots/default/indicators/housing';
      const landlord = await codeId('Landlord');
      for (const id of ['x0', 'x1'])
        expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer(id)}/assign`, { code: landlord })).statusCode).toBe(303);
      expect((await submit(researcher, drill, `/pilots/default/coding/${textAnswer('x0')}/share`, {})).statusCode).toBe(303);
      const csv = (await researcher.get('/pilots/default/exports/coded-quotes.csv')).body;
      expect(csv).toContain(long.replace(/"/g, '""'));
      expect(csv).toContain(',🏠😞,');
      const map = (await viewer.get('/pilots/default')).body;
      expect(map).toContain('<p lang="fa" dir="rtl">&lt;b&gt;\u202Eالبيت&lt;/b&gt;');
      expect(map).not.toContain('<b>\u202E');
    });
  });
});
