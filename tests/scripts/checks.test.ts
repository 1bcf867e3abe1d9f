import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkArchitecture } from '../../scripts/checks/architecture.ts';
import { checkLocales } from '../../scripts/checks/locales.ts';
import { ROOT } from '../helpers/app.ts';

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'stemmen-check-')); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));
const put = (rel: string, body: string) => { mkdirSync(join(dir, rel, '..'), { recursive: true }); writeFileSync(join(dir, rel), body); };

describe('architecture check', () => {
  it('passes on this repository', () => {
    expect(checkArchitecture(ROOT)).toEqual([]);
  });

  it('finds outward imports, I/O in the domain and cycles', () => {
    put('surveys/a.ts', "import { x } from '../bot/x.ts';\nimport { readFileSync } from 'node:fs';\n");
    put('bot/x.ts', "export const x = 1;\nimport { y } from './y.ts';\n");
    put('bot/y.ts', "export { x as y } from './x.ts';\n");
    put('storage/s.ts', "const w = await import('../workers/w.ts');\n");
    put('workers/w.ts', 'export {};\n');
    const messages = checkArchitecture(dir).map((v) => `${v.file}:${v.line} ${v.message}`);
    expect(messages).toEqual(expect.arrayContaining([
      expect.stringMatching(/^surveys\/a\.ts:1 surveys\/ must not import bot\//),
      expect.stringMatching(/^surveys\/a\.ts:2 surveys\/ is the pure domain and must not import "node:fs"/),
      expect.stringMatching(/^storage\/s\.ts:1 storage\/ must not import workers\//),
      expect.stringMatching(/import cycle: bot\/(x|y)\.ts → bot\/(x|y)\.ts/),
    ]));
    expect(messages).toHaveLength(4);
  });
});

describe('locale check', () => {
  it('passes on this repository', () => {
    const r = checkLocales(join(ROOT, 'locales'));
    expect(r.missing).toEqual([]);
    expect(r.placeholderMismatch).toEqual([]);
    expect(r.reviewMissing).toEqual([]);
  });

  it('reports a missing key, a missing Arabic plural form, a changed placeholder and a missing review status', () => {
    put('en/bot.json', JSON.stringify({ hello: 'Hello {{name}}', item_one: '{{count}} item', item_other: '{{count}} items', bye: 'Bye' }));
    put('ar/bot.json', JSON.stringify({ hello: 'مرحبا {{nom}}', item_one: 'x', item_other: 'x', item_zero: 'x', item_two: 'x', item_few: 'x' }));
    put('review.json', JSON.stringify({ en: { bot: { status: 'reviewed' } } }));
    const r = checkLocales(dir);
    expect(r.missing).toEqual(['ar/bot.json: bye', 'ar/bot.json: item_many (plural form "many" of ar)']);
    expect(r.placeholderMismatch).toEqual(['ar/bot.json: hello has {{nom}} but en has {{name}}']);
    expect(r.reviewMissing).toEqual(['ar/bot: no review status in locales/review.json (add "reviewed" or "machine-draft")']);
  });

  it('requires staff namespaces (dashboard) only in English and Dutch, but completely where present', () => {
    put('en/dashboard.json', JSON.stringify({ title: 'Dashboard', rule: 'red at {{red}} %' }));
    put('nl/dashboard.json', JSON.stringify({ title: 'Dashboard' }));
    put('tr/dashboard.json', JSON.stringify({ title: 'Pano' }));
    put('ar/bot.json', JSON.stringify({}));
    put('en/bot.json', JSON.stringify({}));
    put('review.json', JSON.stringify({ en: { bot: { status: 'reviewed' }, dashboard: { status: 'reviewed' } }, nl: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } }, ar: { bot: { status: 'machine-draft' } }, tr: { bot: { status: 'machine-draft' }, dashboard: { status: 'machine-draft' } } }));
    const r = checkLocales(dir);
    // Arabic has no dashboard file at all: fine. Dutch and Turkish have one, missing a key.
    expect(r.missing).toEqual(['nl/dashboard.json: rule', 'tr/dashboard.json: rule']);
    expect(r.reviewMissing).toEqual([]);
  });
});
