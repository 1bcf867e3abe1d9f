import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LibreTranslateClient, protect, restore, TranslationError } from '../../workers/clients/libretranslate.ts';
import { FakeLibreTranslate } from '../../scripts/dev/fake-libretranslate.ts';
import { parseCsv, readTable, toCsv } from '../../scripts/commands/translations/table.ts';
import { stemmen, tempWorkspace } from '../helpers/cli.ts';

const json = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

describe('LibreTranslate client against a fake server over HTTP', () => {
  // A hostile engine: translates by upper-casing and turns braces into parentheses.
  const fake = new FakeLibreTranslate({
    apiKey: 'k1',
    translate: (t, _s, target) => `${target.toUpperCase()}: ${t.toUpperCase().replace(/[{}]/g, (b) => (b === '{' ? '(' : ')'))}`,
  });
  let client: LibreTranslateClient;
  beforeAll(async () => {
    client = new LibreTranslateClient({ url: await fake.start(), apiKey: 'k1', batchSize: 2, timeoutMs: 300 });
  });
  afterAll(() => fake.close());

  it('translates a list in batches, keeping {{placeholders}} intact', async () => {
    const before = fake.requests.length;
    const out = await client.translate(['Question {{current}} of {{total}}', 'Hello', 'Bye {{- name}}'], 'en', 'ti');
    expect(out).toEqual(['TI: QUESTION {{current}} OF {{total}}', 'TI: HELLO', 'TI: BYE {{- name}}']);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => r.q)).toEqual([['Question [0] of [1]', 'Hello'], ['Bye [0]']]);
    expect(sent[0]).toMatchObject({ source: 'en', target: 'ti', format: 'text', api_key: 'k1' });
  });

  it('tolerates spaces the engine puts into tokens, and keeps literal [n] in the source', () => {
    const p = protect('{{n}} of [3] items');
    expect(p.text).not.toMatch(/\[3\]/);
    expect(restore('[ 0 ] van [\u20603] dingen', p)).toBe('{{n}} van [3] dingen');
    expect(() => restore('van dingen', p)).toThrow(/lost or repeated \{\{n\}\}/);
  });

  it('reports a wrong API key, an unsupported language, a timeout and an unreachable server clearly', async () => {
    const wrongKey = new LibreTranslateClient({ url: fake.url, apiKey: 'nope' });
    await expect(wrongKey.translate(['x'], 'en', 'ti')).rejects.toThrow(/answered 403 for en→ti: Invalid API key; check MT_API_KEY/);
    await expect(client.translate(['x'], 'en', 'xx')).rejects.toThrow(/answered 400 for en→xx: xx is not supported/);
    fake.hangNext = 1;
    await expect(client.translate(['x'], 'en', 'ti')).rejects.toThrow(/unreachable \(no answer within 0\.3 s\); check MT_URL/);
    const nowhere = new LibreTranslateClient({ url: 'http://127.0.0.1:9' });
    await expect(nowhere.translate(['x'], 'en', 'ti')).rejects.toBeInstanceOf(TranslationError);
  });
});

describe('translator tables', () => {
  it('CSV round-trips commas, quotes, newlines and scripts, with line numbers per record', () => {
    const rows = [
      { a: 'x, "y"', b: 'line1\nline2' },
      { a: 'ትግርኛ', b: 'عربي' },
    ];
    const { headers, rows: back } = parseCsv(toCsv(['a', 'b'], rows), 't.csv');
    expect(headers).toEqual(['a', 'b']);
    expect(back.map((r) => r.cells)).toEqual(rows);
    expect(back.map((r) => r.place)).toEqual(['t.csv:2', 't.csv:4']);
    expect(() => parseCsv('a,b\n"open,x\n', 't.csv')).toThrow('t.csv:2: a quoted cell is never closed');
  });

  it('writes formula-like texts so a spreadsheet shows them as text, and reads them back unchanged', () => {
    const rows = [
      { a: '=HYPERLINK("http://x","y")', b: '- een lijstje' },
      { a: '+31 mobiel', b: '@naam' },
    ];
    const csv = toCsv(['a', 'b'], rows);
    expect(csv).toContain('"\'=HYPERLINK(""http://x"",""y"")"');
    expect(csv).toContain("'- een lijstje");
    expect(parseCsv(csv, 't.csv').rows.map((r) => r.cells)).toEqual(rows);
  });

  it('reads a table back that Excel with Dutch settings saved: ; separated, byte-order mark, CRLF, commas unquoted', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'stemmen-table-')), 'ti.csv');
    const text =
      '\uFEFFnamespace;key;en;ti;status\r\ntest;plain;Hello, {{name}};ሰላም, {{name}};missing\r\ntest;"two;lines";"a\r\nb";"ሀ\r\nለ";missing\r\ntest;last;x;y;missing\r\n';
    writeFileSync(file, text);
    const { headers, rows } = await readTable(file, 'ti.csv');
    expect(headers).toEqual(['namespace', 'key', 'en', 'ti', 'status']);
    expect(rows.map((r) => [r.place, r.cells.key, r.cells.ti])).toEqual([
      ['ti.csv:2', 'plain', 'ሰላም, {{name}}'],
      ['ti.csv:3', 'two;lines', 'ሀ\r\nለ'],
      ['ti.csv:6', 'last', 'y'],
    ]);
    writeFileSync(file, 'namespace;key;ti\r\ntest;a;x\r\ntest;b;"x"y\r\n');
    await expect(readTable(file, 'ti.csv')).rejects.toThrow(/^ti\.csv:3: text after the closing " of a quoted cell/);
  });
});

describe('stemmen translations', () => {
  let ws: ReturnType<typeof tempWorkspace>;
  let env: Record<string, string>;
  /** A word in each language's own script (and with its telltale letters), so drafts and fixtures pass the script check. */
  const OWN: Record<string, string> = {
    ar: 'نص',
    fa: 'متن',
    prs: 'متن',
    ps: 'ښه',
    ckb: 'ڕۆژ',
    ti: 'ጽሑፍ',
    uk: 'їжак',
    ru: 'мыло',
    pl: 'łąka',
    kmr: 'pêş',
    so: 'qoraal',
    tr: 'metin',
    nl: 'tekst',
    en: 'text',
  };
  const fake = new FakeLibreTranslate({ translate: (t, _source, target) => `[${target}] ${t} ${OWN[target] ?? ''}`.trimEnd() });
  beforeAll(async () => {
    ws = tempWorkspace('tr');
    env = { LOCALES_DIR: ws.locales, MT_URL: await fake.start() };
    // A namespace with plural forms, to check each language gets its own.
    // ti, ar and uk (one/few/many/other) lack it; the others have it already.
    const textsIn = (lng: string) => ({
      items_one: `{{count}} answer ${OWN[lng]}`,
      items_other: `{{count}} answers ${OWN[lng]}`,
      plain: `Hello {{name}} ${OWN[lng]}`,
    });
    const review = json(join(ws.locales, 'review.json')) as Record<string, Record<string, unknown>>;
    for (const lng of ['en', 'nl', 'fa', 'so', 'tr', 'prs', 'ps', 'ckb', 'kmr']) {
      writeFileSync(join(ws.locales, `${lng}/test.json`), JSON.stringify(textsIn(lng)));
      review[lng]!.test = { status: lng === 'en' ? 'reviewed' : 'machine-draft' };
    }
    // Russian and Polish have one/few/many/other.
    for (const lng of ['ru', 'pl']) {
      const slavic = { ...textsIn(lng), items_few: `{{count}} answers ${OWN[lng]}`, items_many: `{{count}} answers ${OWN[lng]}` };
      writeFileSync(join(ws.locales, `${lng}/test.json`), JSON.stringify(slavic));
      review[lng]!.test = { status: 'machine-draft' };
    }
    writeFileSync(join(ws.locales, 'review.json'), JSON.stringify(review));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(ws.dir, { recursive: true, force: true });
  });

  it('fills the gaps with machine drafts, plural-aware, marked unreviewed; then the locale check passes', async () => {
    const bank = json(join(ws.locales, 'ti/bank.json')) as { q: Record<string, unknown> };
    delete bank.q.work_fair;
    writeFileSync(join(ws.locales, 'ti/bank.json'), JSON.stringify(bank));
    const before = await stemmen(['translations', 'status'], env);
    expect(before.stdout).toMatch(/^ti +bank +114\/115 99\.1% +machine-draft +114$/m);
    expect(before.stdout).toMatch(/^ar +test +0\/7 0\.0% +no status +0$/m);
    expect((await stemmen(['check', 'locales'], env)).code).toBe(1);

    for (const lang of ['ti', 'ar', 'uk']) {
      const r = await stemmen(['translations', 'machine-draft', '--lang', lang], env);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const ar = json(join(ws.locales, 'ar/test.json'));
    expect(Object.keys(ar).sort()).toEqual(['items_few', 'items_many', 'items_one', 'items_other', 'items_two', 'items_zero', 'plain']);
    expect(ar.items_two).toBe('[ar] {{count}} answers text نص');
    expect(ar.plain).toBe('[ar] Hello {{name}} text نص');
    expect((json(join(ws.locales, 'ti/bank.json')) as { q: { work_fair: { text: string } } }).q.work_fair.text).toBe(
      '[ti] How fairly are you treated at work or when you look for work? ጽሑፍ',
    );
    const review = json(join(ws.locales, 'review.json')) as Record<string, Record<string, unknown>>;
    expect(review.ar!.test).toEqual({ status: 'machine-draft' });
    expect(review.ti!.bank).toEqual({ status: 'machine-draft' });
    const check = await stemmen(['check', 'locales'], env);
    expect(check.stderr).toBe('');
    expect(check.code).toBe(0);
    // Seven CLI runs over 14 languages' files: a budget for a loaded CI machine, not a speed claim.
  }, 120_000);

  it("exports a table, imports the translator's work as reviewed, and keeps the rest marked as drafts", async () => {
    const csv = join(ws.dir, 'ti.csv');
    const ex = await stemmen(['translations', 'export', '--lang', 'ti', '--ns', 'test', '--out', csv], env);
    expect(ex.code).toBe(0);
    const { rows } = parseCsv(readFileSync(csv, 'utf8'), 'ti.csv');
    expect(rows.map((r) => [r.cells.key, r.cells.status])).toEqual([
      ['items_one', 'machine-draft'],
      ['items_other', 'machine-draft'],
      ['plain', 'machine-draft'],
    ]);
    const filled = rows.map((r) => ({ ...r.cells, ti: r.cells.key === 'plain' ? 'ሰላም {{name}}' : '' }));
    writeFileSync(csv, toCsv(['namespace', 'key', 'en', 'ti', 'status'], filled));
    const im = await stemmen(['translations', 'import', csv, '--lang', 'ti'], env);
    expect(im.stderr).toBe('');
    expect(im.stdout).toMatch(/imported 1 texts into locales\/ti\/test\.json \(marked reviewed\)/);
    expect(json(join(ws.locales, 'ti/test.json')).plain).toBe('ሰላም {{name}}');
    const review = json(join(ws.locales, 'review.json')) as Record<string, Record<string, unknown>>;
    expect(review.ti!.test).toEqual({ status: 'reviewed', unreviewedKeys: ['items_one', 'items_other'] });

    const xlsx = join(ws.dir, 'ti.xlsx');
    expect((await stemmen(['translations', 'export', '--lang', 'ti', '--format', 'xlsx', '--ns', 'test', '--out', xlsx], env)).code).toBe(0);
    const { readTable } = await import('../../scripts/commands/translations/table.ts');
    const t = await readTable(xlsx, 'ti.xlsx');
    expect(t.rows.find((r) => r.cells.key === 'plain')?.cells).toMatchObject({ ti: 'ሰላም {{name}}', status: 'reviewed' });
  });

  it('refuses broken placeholders, unknown keys and incomplete plural forms, naming each line; writes nothing', async () => {
    const csv = join(ws.dir, 'bad.csv');
    writeFileSync(
      csv,
      toCsv(
        ['namespace', 'key', 'en', 'ar'],
        [
          { namespace: 'test', key: 'plain', ar: 'مرحبا {{nam}}' },
          { namespace: 'test', key: 'plian', ar: 'x' },
          { namespace: 'tests', key: 'plain', ar: 'x' },
          { namespace: 'bank', key: 'why', ar: 'لماذا؟' },
        ],
      ),
    );
    writeFileSync(join(ws.locales, 'ar/test.json'), JSON.stringify({ plain: 'x' }));
    const r = await stemmen(['translations', 'import', csv, '--lang', 'ar'], env);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("bad.csv:2: test plain: placeholders {{nam}} do not match the source's {{name}}; keep every {{…}} exactly as in the source");
    expect(r.stderr).toContain('bad.csv:3: key "plian" does not exist in locales/en/test.json; did you mean "plain"?');
    expect(r.stderr).toContain('bad.csv:4: namespace "tests" does not exist in locales/en; did you mean "test"?');
    expect(r.stderr).toMatch(/3 problem\(s\); nothing was imported\n$/);
    expect((json(join(ws.locales, 'ar/bank.json')) as { why: string }).why).not.toBe('لماذا؟');

    writeFileSync(
      csv,
      toCsv(
        ['namespace', 'key', 'ar'],
        [
          { namespace: 'test', key: 'items_one', ar: '{{count}} إجابة' },
          { namespace: 'test', key: 'items_other', ar: '{{count}} إجابات' },
        ],
      ),
    );
    const plural = await stemmen(['translations', 'import', csv, '--lang', 'ar'], env);
    expect(plural.code).toBe(1);
    expect(plural.stderr).toContain('test items: ar needs the plural forms items_zero, items_two, items_few, items_many too; fill them in');
    writeFileSync(csv, toCsv(['namespace', 'key', 'ti'], [{ namespace: 'test', key: 'items_few', ti: 'x' }]));
    const few = await stemmen(['translations', 'import', csv, '--lang', 'ti'], env);
    expect(few.stderr).toContain('bad.csv:2: plural form "few" is not used in ti (it uses one, other); leave this row empty');
    expect((await stemmen(['translations', 'import', join(ws.dir, 'missing.csv'), '--lang', 'ti'], env)).stderr).toMatch(/missing\.csv: file not found/);
  });

  it('says how to set MT_URL when it is missing', async () => {
    const r = await stemmen(['translations', 'machine-draft', '--lang', 'ti'], { LOCALES_DIR: ws.locales, MT_URL: '' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^MT_URL is not set; point it at a LibreTranslate server/);
  });
});
