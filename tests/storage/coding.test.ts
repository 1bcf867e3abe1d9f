import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CodedQuotes } from '../../storage/coded-quotes.ts';
import { Coding } from '../../storage/coding.ts';
import type { Db } from '../../storage/database.ts';
import { PilotRepository } from '../../storage/pilots.ts';
import { Store } from '../../storage/store.ts';
import { seed, type SeedAnswer } from '../helpers/dashboard.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

const NOW = '2026-11-20T10:00:00.000Z';
const LATER = '2026-11-21T09:30:00.000Z';
const why = (text: string, questionId = 'housing_why'): SeedAnswer => ({ questionId, indicator: 'housing', outcome: 'suitable_home', light: null, text });
const workWhy = (text: string): SeedAnswer => ({ questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly_at_work', light: null, text });
const age = (band: string): SeedAnswer => ({ questionId: 'age_band', indicator: null, outcome: null, light: null, choices: [band] });

describe.each(STORE_KINDS)('coding on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let coding: Coding;
  let n = 0;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    coding = new Coding(db, () => `id${String(++n).padStart(4, '0')}`);
    await new PilotRepository(db).ensure('p', 'Pilot', 'default-pilot', 1, NOW);
    await seed(db, 'p', [
      { id: 'r1', language: 'ar', channel: 'tryit', answers: [why('الإيجار مرتفع جدا'), workWhy('no contract'), age('from_18_to_29')] },
      { id: 'r2', language: 'nl', channel: 'tryit', answers: [why('te klein huis'), why('schimmel', 'housing_step_up')] },
    ]);
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  const create = async (label: string, indicator: string | null = null, description = '') => {
    const r = await coding.createCode('p', { label, description, indicator }, 'u-res', NOW);
    if (!r.ok) throw new Error(JSON.stringify(r.issue));
    return r.value;
  };

  it('keeps a codebook: create, a clashing label refused whatever its case, edit, retire and restore, each audited', async () => {
    const rent = await create('Rent', 'housing', 'Costs of housing');
    expect(await coding.createCode('p', { label: '  rent ', description: '', indicator: null }, 'u-res', NOW)).toEqual({
      ok: false,
      issue: { code: 'label_taken', label: 'Rent' },
    });
    expect(await coding.createCode('p', { label: '   ', description: '', indicator: null }, 'u-res', NOW)).toEqual({
      ok: false,
      issue: { code: 'label_empty' },
    });
    await create('Discrimination');
    const edited = await coding.updateCode('p', rent.id, { label: 'Rent and costs', description: 'Costs of housing', indicator: null }, 'u-admin', LATER);
    expect(edited.ok && edited.value).toMatchObject({ label: 'Rent and costs', indicator: null, updatedAt: LATER });
    expect((await coding.updateCode('p', rent.id, { label: 'discrimination', description: '', indicator: null }, 'u-res', LATER)).ok).toBe(false);
    expect((await coding.setRetired('p', rent.id, true, 'u-res', LATER)).ok).toBe(true);
    expect((await coding.codebook('p')).map((c) => [c.label, c.retiredAt])).toEqual([
      ['Discrimination', null],
      ['Rent and costs', LATER],
    ]);
    await coding.setRetired('p', rent.id, false, 'u-res', LATER);
    expect((await coding.findCode('p', rent.id))?.retiredAt).toBeNull();
    const trail = await coding.auditTrail('p');
    expect(trail.map((e) => [e.action, e.actor]).reverse()).toEqual([
      ['code.create', 'u-res'],
      ['code.create', 'u-res'],
      ['code.update', 'u-admin'],
      ['code.retire', 'u-res'],
      ['code.restore', 'u-res'],
    ]);
    expect(trail.find((e) => e.action === 'code.update')?.detail).toEqual({
      label: { from: 'Rent', to: 'Rent and costs' },
      indicator: { from: 'housing', to: null },
    });
    // Another pilot's codebook is its own.
    await new PilotRepository(db).ensure('q', 'Other', 'default-pilot', 1, NOW);
    expect((await coding.createCode('q', { label: 'Rent', description: '', indicator: null }, 'u-res', NOW)).ok).toBe(true);
    expect(await coding.codebook('q')).toHaveLength(1);
  });

  it('assigns several codes to an answer, refuses a code of another indicator and a retired one, and counts per code × indicator', async () => {
    const rent = await create('Rent', 'housing');
    const landlord = await create('Landlord');
    const mould = await create('Mould', 'housing');
    expect(await coding.assign('p', 'a-r1-0', rent.id, 'u-res', NOW)).toEqual({ ok: true, value: true });
    expect(await coding.assign('p', 'a-r1-0', landlord.id, 'u-res', NOW)).toEqual({ ok: true, value: true });
    expect(await coding.assign('p', 'a-r1-0', rent.id, 'u-res', NOW)).toEqual({ ok: true, value: false });
    expect(await coding.assign('p', 'a-r1-1', rent.id, 'u-res', NOW)).toEqual({
      ok: false,
      issue: { code: 'wrong_indicator', label: 'Rent', codeIndicator: 'housing', answerIndicator: 'work' },
    });
    expect((await coding.assign('p', 'a-r1-1', landlord.id, 'u-res', NOW)).ok).toBe(true);
    expect((await coding.assign('p', 'a-r2-0', mould.id, 'u-res', NOW)).ok).toBe(true);
    expect((await coding.assign('p', 'a-r2-1', mould.id, 'u-res', NOW)).ok).toBe(true);
    expect((await coding.assign('p', 'a-r2-0', landlord.id, 'u-res', NOW)).ok).toBe(true);
    await coding.setRetired('p', mould.id, true, 'u-res', NOW);
    expect(await coding.assign('p', 'a-r1-0', mould.id, 'u-res', NOW)).toEqual({ ok: false, issue: { code: 'code_retired', label: 'Mould' } });
    expect((await coding.assign('p', 'no-such-answer', landlord.id, 'u-res', NOW)).ok).toBe(false);
    expect((await coding.assign('q', 'a-r1-0', landlord.id, 'u-res', NOW)).ok).toBe(false);

    const coded = await coding.codingOf('p', ['a-r1-0', 'a-r1-1', 'a-r2-2']);
    expect(coded.get('a-r1-0')?.codeIds.sort()).toEqual([rent.id, landlord.id].sort());
    expect(coded.has('a-r2-2')).toBe(false);
    const counts = await coding.counts('p');
    const cell = (code: string, indicator: string) => counts.find((c) => c.codeId === code && c.indicator === indicator);
    expect(cell(landlord.id, 'housing')).toMatchObject({ answers: 2, respondents: 2 });
    expect(cell(landlord.id, 'work')).toMatchObject({ answers: 1, respondents: 1 });
    expect(cell(mould.id, 'housing')).toMatchObject({ answers: 2, respondents: 1 });
    expect(counts).toHaveLength(4);

    // Taking a retired code off still works; taking off one it does not have writes nothing.
    expect(await coding.unassign('p', 'a-r2-1', mould.id, 'u-res', NOW)).toEqual({ ok: true, value: true });
    expect(await coding.unassign('p', 'a-r2-1', mould.id, 'u-res', NOW)).toEqual({ ok: true, value: false });
    const trail = await coding.auditTrail('p');
    expect(trail.filter((e) => e.action === 'answer.code')).toHaveLength(6);
    expect(trail.filter((e) => e.action === 'answer.uncode')).toHaveLength(1);
    expect(JSON.stringify(trail)).not.toMatch(/الإيجار|schimmel|contract/);
  });

  it('marks quotes shareable and gives viewers their month only; erasure takes codes, marks and quotes away but keeps the audit', async () => {
    const rent = await create('Rent');
    await coding.assign('p', 'a-r1-0', rent.id, 'u-res', NOW);
    await coding.assign('p', 'a-r2-0', rent.id, 'u-res', NOW);
    expect(await coding.setShared('p', 'a-r1-0', true, 'u-res', NOW)).toEqual({ ok: true, value: true });
    expect(await coding.setShared('p', 'a-r1-0', true, 'u-res', NOW)).toEqual({ ok: true, value: false });
    expect(await coding.setShared('p', 'a-r2-1', true, 'u-res', NOW)).toEqual({ ok: true, value: true });
    expect(await coding.setShared('p', 'a-r2-1', false, 'u-res', NOW)).toEqual({ ok: true, value: true });
    const quotes = new CodedQuotes(db);
    const shared = await quotes.shared('p', {}, 'housing');
    expect(shared).toEqual([expect.objectContaining({ text: 'الإيجار مرتفع جدا', language: 'ar', month: '2026-11', questionId: 'housing_why' })]);
    expect(Object.keys(shared[0]!).sort()).toEqual([
      'indicator',
      'language',
      'month',
      'outcome',
      'questionId',
      'text',
      'transcript',
      'transcriptLanguage',
      'translations',
    ]);
    expect(await quotes.shared('p', { language: 'nl' })).toEqual([]);

    const split = { question: 'age_band', values: ['under_18', 'from_18_to_29'] };
    const coded = await quotes.coded('p', [split]);
    expect(coded.map((q) => [q.text, q.shared, q.groups])).toEqual([
      ['الإيجار مرتفع جدا', true, { age_band: ['from_18_to_29'] }],
      ['te klein huis', false, {}],
    ]);
    expect(await quotes.groupSizes('p', split)).toEqual({ groups: [{ group: 'from_18_to_29', n: 1 }], grouped: 1, total: 2 });

    await new Store(db).transaction((tx) => tx.eraseRespondent('r1'));
    expect(await db.selectFrom('answer_codes').select('answer_id').execute()).toEqual([{ answer_id: 'a-r2-0' }]);
    expect(await db.selectFrom('shared_quotes').selectAll().execute()).toEqual([]);
    expect((await quotes.coded('p', [split])).map((q) => q.text)).toEqual(['te klein huis']);
    expect(await quotes.shared('p', {})).toEqual([]);
    const trail = await coding.auditTrail('p');
    // The audit keeps what was done, but no handle on the erased person's answers.
    expect(await db.selectFrom('coding_audit').select('answer_id').where('answer_id', 'like', 'a-r1-%').execute()).toEqual([]);
    expect(trail.filter((e) => e.answerGone).map((e) => e.action)).toEqual(expect.arrayContaining(['answer.code', 'quote.share']));
    expect((await coding.counts('p')).map((c) => [c.indicator, c.answers, c.respondents])).toEqual([['housing', 1, 1]]);
  });
});
