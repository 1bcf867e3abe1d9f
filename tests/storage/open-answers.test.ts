/**
 * The open-answers query and its full-text index on SQLite (FTS5) and PostgreSQL (tsvector):
 * an Arabic answer found by a word of its Dutch translation (written as the translation
 * worker does, through the media repository), filters that combine, search strings full of
 * SQL/FTS syntax, a 20,000-character and emoji-only answers, small groups, pages, codes,
 * and the index following an erasure.
 */
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { MediaRepo } from '../../storage/media.ts';
import { OpenAnswers, type OpenAnswerFilter, type OpenAnswersResult } from '../../storage/open-answers.ts';
import { Store } from '../../storage/store.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';
import { seed, type SeedRespondent } from '../helpers/dashboard.ts';

const NOW = '2026-11-01T10:00:00.000Z';
const ARABIC = 'أبحث عن عمل كنجار منذ سنتين';
const LONG = `${'werk huis taal '.repeat(1333)}zeldzaamwoord`;
const MIN = 3;

/** A respondent with one open "why" answer on work and a background answer (residence). */
const person = (id: string, language: string, text: string, residence: string, answeredAt = NOW): SeedRespondent => ({
  id,
  language,
  channel: 'telegram',
  answers: [
    { questionId: 'work_why', indicator: 'work', outcome: 'paid_work', light: null, text, answeredAt },
    { questionId: 'residence_status', indicator: null, outcome: null, light: null, choices: [residence] },
  ],
});

function ok(r: OpenAnswersResult) {
  if (r.status !== 'ok') throw new Error(`expected answers, got ${JSON.stringify(r)}`);
  return r;
}

describe.each(STORE_KINDS)('open answers on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let open: OpenAnswers;
  const find = async (f: OpenAnswerFilter) => ok(await open.page('p', f));

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    await new Store(db).pilots.ensure('p', 'Pilot', 'default-pilot', 1, NOW);
    await seed(db, 'p', [
      person('ar1', 'ar', ARABIC, 'asylum', '2026-11-03T10:00:00.000Z'),
      person('nl1', 'nl', 'Ik heb geen werk maar wel hoop', 'asylum'),
      person('nl2', 'nl', 'Café en crèche: de buurt helpt', 'permit'),
      person('nl3', 'nl', LONG, 'permit'),
      person('em1', 'ti', '🙂🙂🙏', 'permit'),
      person('em2', 'fa', '😢', 'asylum'),
    ]);
    // The translation as the worker writes it: through the media repository, onto revision 1.
    await new MediaRepo(db).setTranslations(
      'a-ar1-0',
      1,
      { nl: 'Ik zoek al twee jaar werk als timmerman', en: 'I have been looking for carpentry work' },
      'ready',
      NOW,
    );
    open = new OpenAnswers(db, MIN);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('finds an Arabic answer by a word of its Dutch translation, with the original and its translations', async () => {
    const r = await find({ search: 'Timmerman' });
    expect(r.total).toBe(1);
    expect(r.items[0]).toMatchObject({
      answerId: 'a-ar1-0',
      text: ARABIC,
      language: 'ar',
      modality: 'typed',
      indicator: 'work',
      translations: { nl: 'Ik zoek al twee jaar werk als timmerman', en: 'I have been looking for carpentry work' },
      translationStatus: 'ready',
      answeredOn: '2026-11-03',
      codes: [],
      shared: false,
    });
    // The Arabic original is searchable in its own script, and every word must occur.
    expect((await find({ search: 'كنجار' })).items.map((i) => i.answerId)).toEqual(['a-ar1-0']);
    expect((await find({ search: 'timmerman hoop' })).total).toBe(0);
  });

  it("finds words in Persian and Ge'ez script, with bidi controls and mixed scripts around them", async () => {
    await seed(db, 'p', [person('fa1', 'fa', '\u2067من دنبال کار هستم\u2069 in Utrecht', 'permit'), person('ti1', 'ti', 'ስራ ይደሊ ኣለኹ (work)', 'permit')]);
    expect((await find({ search: 'کار' })).items.map((i) => i.answerId)).toEqual(['a-fa1-0']);
    expect((await find({ search: 'ስራ' })).items.map((i) => i.answerId)).toEqual(['a-ti1-0']);
    expect((await find({ search: 'utrecht' })).items[0]!.text).toBe('\u2067من دنبال کار هستم\u2069 in Utrecht');
  });

  it('combines filters: indicator, language, question, wave, modality, group, and search', async () => {
    expect((await find({})).total).toBe(6);
    expect((await find({ indicator: 'work', language: 'nl' })).total).toBe(3);
    expect((await find({ indicator: 'work', language: 'nl', search: 'werk' })).items.map((i) => i.answerId).sort()).toEqual(['a-nl1-0', 'a-nl3-0']);
    expect((await find({ question: 'work_why', outcome: 'paid_work', modality: 'typed', wave: 1 })).total).toBe(6);
    expect((await find({ modality: 'voice' })).total).toBe(0);
    expect((await find({ wave: 2 })).total).toBe(0);
    expect((await find({ group: { question: 'residence_status', value: 'asylum' }, search: 'werk' })).items.map((i) => i.answerId).sort()).toEqual([
      'a-ar1-0',
      'a-nl1-0',
    ]);
    // Diacritics are folded on both sides where the index can (FTS5's remove_diacritics).
    if (kind === 'sqlite') expect((await find({ search: 'creche' })).total).toBe(1);
    expect((await find({ search: 'crèche' })).total).toBe(1);
  });

  it('treats SQL and FTS syntax in a search as words, never as syntax', async () => {
    for (const s of [
      '"a" OR 1=1; DROP TABLE answers --',
      'NEAR(werk hoop',
      'werk*',
      '^werk',
      'body:werk',
      '"unbalanced',
      "it's",
      '() AND OR NOT',
      '\\',
      '%_',
      '🙂',
      '',
    ]) {
      const r = await open.page('p', { search: s });
      expect(r.status, s).toBe('ok');
    }
    expect((await find({ search: 'werk*' })).total).toBeGreaterThan(0);
    expect(
      await db
        .selectFrom('answers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow(),
    ).toBeTruthy();
  });

  it('refuses a search for a phone number or an e-mail address', async () => {
    for (const s of ['06-12345678', '+31 6 1234 5678', 'someone@example.org'])
      expect(await open.page('p', { search: s })).toEqual({ status: 'refused', reason: 'personal_detail' });
    expect((await open.page('p', { search: 'werk 2024' })).status).toBe('ok');
  });

  it('indexes and returns a 20,000-character answer and emoji-only answers', async () => {
    const long = await find({ search: 'zeldzaamwoord' });
    expect(long.items.map((i) => i.answerId)).toEqual(['a-nl3-0']);
    expect(long.items[0]!.text).toHaveLength(LONG.length);
    // Emoji are no words to the index: the answers are listed (nothing lost), and an emoji search finds nothing, calmly.
    expect((await find({})).items.map((i) => i.text)).toEqual(expect.arrayContaining(['🙂🙂🙏', '😢']));
    expect((await find({ search: '😢' })).total).toBe(6);
  });

  it('says "too few" when fewer people than the minimum are behind the structural filters', async () => {
    expect(await open.page('p', { language: 'ar' })).toEqual({ status: 'too_few', minimum: MIN });
    expect(await open.page('p', { group: { question: 'residence_status', value: 'asylum' }, language: 'nl' })).toEqual({ status: 'too_few', minimum: MIN });
    // Search words narrow a large enough group: not a way around the minimum, and no "too few" of their own.
    expect((await find({ search: 'timmerman' })).total).toBe(1);
  });

  it('filters by code and by "uncoded", and shows labels and the shareable mark', async () => {
    await db
      .insertInto('codes')
      .values({ id: 'c1', pilot_code: 'p', label: 'looking for work', indicator: 'work', created_at: NOW, created_by: 'u', updated_at: NOW, retired_at: null })
      .execute();
    await db.insertInto('answer_codes').values({ answer_id: 'a-ar1-0', code_id: 'c1', pilot_code: 'p', assigned_at: NOW, assigned_by: 'u' }).execute();
    await db.insertInto('shared_quotes').values({ answer_id: 'a-ar1-0', pilot_code: 'p', marked_at: NOW, marked_by: 'u' }).execute();
    const coded = await find({ code: 'c1' });
    expect(coded.items).toMatchObject([{ answerId: 'a-ar1-0', codes: [{ id: 'c1', label: 'looking for work' }], shared: true }]);
    expect((await find({ code: 'uncoded' })).total).toBe(5);
    expect((await open.facets('p')).codes).toEqual([{ id: 'c1', label: 'looking for work' }]);
  });

  it('pages newest first with a cursor, 50 to a page, without overlap', async () => {
    await seed(
      db,
      'p',
      Array.from({ length: 60 }, (_, i) => person(`x${i}`, 'en', `page test ${i}`, 'permit', `2026-10-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.000Z`)),
    );
    const first = await find({ search: 'page' });
    expect([first.total, first.items.length]).toEqual([60, 50]);
    expect(first.next).not.toBeNull();
    const second = ok(await open.page('p', { search: 'page' }, first.next));
    expect([second.items.length, second.next]).toEqual([10, null]);
    const ids = [...first.items, ...second.items].map((i) => i.answerId);
    expect(new Set(ids).size).toBe(60);
    const dates = [...first.items, ...second.items].map((i) => i.answeredOn);
    expect(dates).toEqual([...dates].sort().reverse());
    // A cursor that is not one of ours reads as the first page.
    expect(ok(await open.page('p', { search: 'page' }, 'not-a-cursor')).items.length).toBe(50);
  });

  it('reads the same answers and totals whichever side leads (matches first, rows first), and caps the count', async () => {
    await seed(
      db,
      'p',
      Array.from({ length: 60 }, (_, i) =>
        person(
          `x${i}`,
          i % 3 ? 'en' : 'nl',
          `page test ${i % 4 ? 'werk' : 'huis'} ${i}`,
          'permit',
          `2026-10-${String((i % 28) + 1).padStart(2, '0')}T10:00:00.000Z`,
        ),
      ),
    );
    /** Every page of a selection, followed through its cursors. */
    const all = async (o: OpenAnswers, f: OpenAnswerFilter) => {
      const first = ok(await o.page('p', f));
      const ids = first.items.map((i) => i.answerId);
      for (let next = first.next; next; ) {
        const r = ok(await o.page('p', f, next));
        ids.push(...r.items.map((i) => i.answerId));
        next = r.next;
      }
      return { total: first.total, capped: first.totalCapped, ids };
    };
    // Default limits: these words are rare (matches first); limits of 1 make them common (rows first, count by matches or by rows).
    const plans = [open, new OpenAnswers(db, MIN, { rareMatches: 1, fewRows: 1 }), new OpenAnswers(db, MIN, { rareMatches: 1, fewRows: 1000 })];
    const filters: OpenAnswerFilter[] = [
      {},
      { search: 'page' },
      { search: 'werk' },
      { search: 'page werk', language: 'en' },
      { search: 'huis', code: 'uncoded' },
      { language: 'nl' },
    ];
    for (const f of filters) {
      const [expected, ...others] = await Promise.all(plans.map((o) => all(o, f)));
      expect(expected!.ids.length, JSON.stringify(f)).toBe(expected!.total);
      expect(expected!.capped).toBe(false);
      for (const other of others) expect(other, JSON.stringify(f)).toEqual(expected);
    }
    // 45 of the new answers, and three of beforeEach's (one of them through its Dutch translation).
    expect((await all(open, { search: 'werk' })).total).toBe(48);
    // Past the cap the total says "more than", and every answer can still be paged through.
    const capped = await all(new OpenAnswers(db, MIN, { countCap: 10 }), { search: 'page' });
    expect([capped.total, capped.capped, capped.ids.length]).toEqual([10, true, 60]);
    expect(ok(await new OpenAnswers(db, MIN, { countCap: 60 }).page('p', { search: 'page' }))).toMatchObject({ total: 60, totalCapped: false });
  });

  it('keeps the index in sync: an erased respondent is no longer found, an edited answer is found by its new words', async () => {
    await new Store(db).transaction((tx) => tx.eraseRespondent('ar1'));
    expect((await find({ search: 'timmerman' })).total).toBe(0);
    expect((await find({ search: 'كنجار' })).total).toBe(0);
    await db.updateTable('answers').set({ value_text: 'nu een fietsenmaker' }).where('id', '=', 'a-nl1-0').execute();
    expect((await find({ search: 'fietsenmaker' })).items.map((i) => i.answerId)).toEqual(['a-nl1-0']);
    expect((await find({ search: 'hoop' })).total).toBe(0);
    // Translations that are not a JSON object are left out of the index, never a failed write.
    await db.updateTable('answers').set({ translations: '{not json' }).where('id', '=', 'a-nl1-0').execute();
    expect((await find({ search: 'fietsenmaker' })).items[0]).toMatchObject({ answerId: 'a-nl1-0', translations: {} });
  });

  it('indexes only answers with text: a tap writes no document, an answer whose text is gone leaves the index', async () => {
    const documents = async () =>
      kind === 'sqlite'
        ? Number((await sql<{ n: number }>`select count(*) as n from answers_fts`.execute(db)).rows[0]!.n)
        : Number((await sql<{ n: string }>`select count(*) as n from answers_search`.execute(db)).rows[0]!.n);
    // Six people, each with one typed answer and one tapped choice: six documents.
    expect(await documents()).toBe(6);
    await db.updateTable('answers').set({ value_choices: '["permit"]' }).where('question_id', '=', 'residence_status').execute();
    expect(await documents()).toBe(6);
    await db.updateTable('answers').set({ value_text: null }).where('id', '=', 'a-nl1-0').execute();
    expect(await documents()).toBe(5);
    expect((await find({ search: 'hoop' })).total).toBe(0);
  });
});
