/**
 * The workshop store on SQLite and PostgreSQL: every save is a new version holding the whole
 * snapshot (the other members' colours carried over, the saver's replaced), old versions open
 * as they were, the team colour follows the documented rule, and planned expertpools are kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Db } from '../../storage/database.ts';
import { Organisations } from '../../storage/organisations.ts';
import { combinedColours, Workshops } from '../../storage/workshops.ts';
import { INDICATOR_IDS } from '../../surveys/indicators.ts';
import { combineKnowledge } from '../../surveys/knowledge.ts';
import { createTestDatabase, STORE_KINDS, type TestDatabase } from '../helpers/databases.ts';

describe('the team colour', () => {
  it('is the colour most members gave; a tie goes to the more cautious colour; nobody: none', () => {
    expect(combineKnowledge(['green', 'green', 'orange'])).toEqual({ colour: 'green', spread: { red: 0, orange: 1, green: 2 } });
    expect(combineKnowledge(['green', 'red'])).toEqual({ colour: 'red', spread: { red: 1, orange: 0, green: 1 } });
    expect(combineKnowledge(['green', 'orange', 'orange', 'green'])).toMatchObject({ colour: 'orange' });
    expect(combineKnowledge(['red', 'orange', 'green'])).toMatchObject({ colour: 'red' });
    expect(combineKnowledge([])).toEqual({ colour: null, spread: { red: 0, orange: 0, green: 0 } });
  });
});

describe.each(STORE_KINDS)('workshops on %s', (kind) => {
  let testDb: TestDatabase;
  let db: Db;
  let n = 0;
  const newId = () => `id${++n}`;

  beforeEach(async () => {
    testDb = await createTestDatabase(kind);
    db = testDb.open();
    await new Organisations(db).add({ id: 'utrecht', name: 'Gemeente Utrecht', now: '2026-12-01T09:00:00.000Z' });
  });
  afterEach(async () => {
    await db?.destroy();
    await testDb?.dispose();
  });

  it('keeps every save as a version: members colour alone or together, and an old version opens as it was', async () => {
    const ws = new Workshops(db);
    const w = await ws.ensure('utrecht', { id: 'w1', name: 'Blinde vlekken', by: 'ana@example.org', now: '2026-12-01T10:00:00.000Z' });
    expect(await ws.ensure('utrecht', { id: 'other', name: 'ignored', by: 'x', now: 'x' })).toEqual(w);

    const v1 = await ws.save(w.id, {
      member: 'ana@example.org',
      colours: [
        { indicator: 'work', colour: 'green', note: 'UWV figures' },
        { indicator: 'housing', colour: 'red', note: '' },
      ],
      cards: [
        {
          indicator: 'housing',
          known: 'Long waiting lists',
          knownSource: 'an assumption from the news',
          unknown: 'How people feel in their home',
          unknownHow: 'ask them',
        },
      ],
      now: '2026-12-01T10:05:00.000Z',
    });
    const v2 = await ws.save(w.id, {
      member: 'bo@example.org',
      colours: [
        { indicator: 'work', colour: 'red', note: 'only numbers, no experience' },
        { indicator: 'housing', colour: 'red', note: '' },
        { indicator: 'health', colour: 'orange', note: '' },
      ],
      now: '2026-12-01T10:06:00.000Z',
    });
    // Ana changes her mind: her housing colour goes, her work colour changes; Bo's stay.
    const v3 = await ws.save(w.id, {
      member: 'ana@example.org',
      colours: [{ indicator: 'work', colour: 'orange', note: '' }],
      cards: [],
      now: '2026-12-01T10:07:00.000Z',
    });
    expect([v1, v2, v3]).toEqual([1, 2, 3]);
    expect((await ws.versions(w.id)).map((v) => [v.version, v.savedBy])).toEqual([
      [3, 'ana@example.org'],
      [2, 'bo@example.org'],
      [1, 'ana@example.org'],
    ]);

    const first = (await ws.open(w.id, 1))!;
    const byIndicator = (a: { indicator: string }, b: { indicator: string }) => a.indicator.localeCompare(b.indicator);
    expect(first.entries.sort(byIndicator)).toEqual([
      { indicator: 'housing', member: 'ana@example.org', colour: 'red', note: '' },
      { indicator: 'work', member: 'ana@example.org', colour: 'green', note: 'UWV figures' },
    ]);
    expect(first.cards).toEqual([
      {
        indicator: 'housing',
        known: 'Long waiting lists',
        knownSource: 'an assumption from the news',
        unknown: 'How people feel in their home',
        unknownHow: 'ask them',
      },
    ]);

    // Version 2 kept Ana's colours and card; Bo saved no cards, so the previous ones carried over.
    const second = (await ws.open(w.id, 2))!;
    expect(second.entries).toHaveLength(5);
    expect(second.cards).toHaveLength(1);
    const map2 = new Map(combinedColours(INDICATOR_IDS, second.entries).map((c) => [c.indicator, c]));
    expect(map2.get('work')).toEqual({ indicator: 'work', colour: 'red', spread: { red: 1, orange: 0, green: 1 } });
    expect(map2.get('housing')?.colour).toBe('red');
    expect(map2.get('health')?.colour).toBe('orange');
    expect(map2.get('safety')).toEqual({ indicator: 'safety', colour: null, spread: { red: 0, orange: 0, green: 0 } });

    const latest = (await ws.open(w.id))!;
    expect(latest.version).toBe(3);
    expect(latest.cards).toEqual([]);
    expect(latest.entries.filter((e) => e.member === 'ana@example.org')).toEqual([
      { indicator: 'work', member: 'ana@example.org', colour: 'orange', note: '' },
    ]);
    expect(latest.entries.filter((e) => e.member === 'bo@example.org')).toHaveLength(3);
    expect(combinedColours(['work'], latest.entries)[0]).toMatchObject({ colour: 'red', spread: { red: 1, orange: 1, green: 0 } });
    expect(await ws.open(w.id, 9)).toBeUndefined();
  });

  it('two members saving at the same moment both get a version of their own', async () => {
    const ws = new Workshops(db);
    const w = await ws.ensure('utrecht', { id: 'w1', name: 'W', by: 'a', now: '2026-12-01T10:00:00.000Z' });
    const saved = await Promise.all(
      ['a@example.org', 'b@example.org', 'c@example.org'].map((member) =>
        ws.save(w.id, { member, colours: [{ indicator: 'safety', colour: 'red', note: member }], now: '2026-12-01T10:01:00.000Z' }),
      ),
    );
    expect(saved.sort()).toEqual([1, 2, 3]);
    // Each later save carried the earlier ones over, so the latest version holds all three.
    expect((await ws.open(w.id))!.entries.map((e) => e.member).sort()).toEqual(['a@example.org', 'b@example.org', 'c@example.org']);
  });

  it('keeps planned expertpools with the version and team colour they came from', async () => {
    const ws = new Workshops(db);
    const w = await ws.ensure('utrecht', { id: 'w1', name: 'W', by: 'a', now: '2026-12-01T10:00:00.000Z' });
    await ws.save(w.id, { member: 'a@example.org', colours: [{ indicator: 'language', colour: 'orange', note: '' }], now: '2026-12-01T10:01:00.000Z' });
    expect(
      await ws.planExpertpools(
        w.id,
        {
          version: 1,
          by: 'a@example.org',
          now: '2026-12-01T10:02:00.000Z',
          items: [{ indicator: 'language', colour: 'orange', note: 'with the language café' }],
        },
        newId,
      ),
    ).toBe(1);
    expect(await ws.expertpools(w.id)).toEqual([
      {
        id: 'id1',
        version: 1,
        indicator: 'language',
        colour: 'orange',
        note: 'with the language café',
        plannedAt: '2026-12-01T10:02:00.000Z',
        plannedBy: 'a@example.org',
      },
    ]);
  });
});
