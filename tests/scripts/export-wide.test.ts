/**
 * The wide table and its SPSS syntax, from `stemmen export` of a pilot whose survey is not
 * SURVEY_FILE's: read back by a CSV parser (every question's column, multi-select as 0/1
 * columns, skipped and not-asked empty) and the .sps parsed for every variable and value label.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unescapeFormula } from '../../bot/web/exports/csv.ts';
import { labelsIn } from '../../bot/web/exports/export.ts';
import { MAX_NAME, safeName, wideColumns } from '../../bot/web/exports/wide-columns.ts';
import { createI18n, readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { openSqlite, type Db } from '../../storage/database.ts';
import { ROOT } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { Browser, createUser, seed, type SeedAnswer } from '../helpers/dashboard.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

const SURVEY = join(ROOT, 'tests/fixtures/surveys/wide-example.yaml');
const locales = readLocales(join(ROOT, 'locales'));
const { survey } = loadSurveyFile(SURVEY, locales);
const i18n = createI18n(locales);

let dir: string;
let env: Record<string, string>;
let db: Db;

const a = (questionId: string, extra: Partial<SeedAnswer> = {}): SeedAnswer => ({ questionId, indicator: 'x', outcome: 'y', light: null, ...extra });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-wide-'));
  env = { DATA_DIR: dir, LOG_LEVEL: 'silent' };
  const created = await stemmen(['pilot', 'create', '--survey', SURVEY, '--name', 'Wide', '--code', 'wide-one', '--municipality', 'Utrecht'], env);
  expect(created.code).toBe(0);
  db = openSqlite(join(dir, 'stemmen.sqlite'));
  await seed(
    db,
    'wide-one',
    [
      {
        id: 'r1',
        language: 'ar',
        channel: 'telegram',
        answers: [
          a('arrival_year'),
          a('residence_status', { choices: ['asylum'] }),
          a('work_has_paid_work', { choices: ['yes'] }),
          a('housing_suitable', { number: 3 }),
          a('housing_why', { text: '=HYPERLINK("x")' }),
          a('leisure_activities', { choices: ['sport', 'cultural'] }),
          a('closing_story', { text: 'ትምህርቲ\nቋንቋ' }),
        ],
      },
      {
        id: 'r2',
        language: 'en',
        channel: 'whatsapp',
        answers: [
          a('residence_status', { choices: ['prefer_not_to_say'] }),
          a('work_has_paid_work', { choices: ['no'] }),
          a('housing_suitable', { number: 9 }),
          a('leisure_activities', { choices: ['none'] }),
        ],
      },
      { id: 'r3', language: 'nl', channel: 'tryit', answers: [a('arrival_year'), a('leisure_activities', { choices: [] })] },
    ],
    'wide-example',
  );
  await db.updateTable('answers').set({ value_date: '2019' }).where('question_id', '=', 'arrival_year').execute();
  await db.updateTable('answers').set({ indicator: null, outcome: null }).where('question_id', '=', 'residence_status').execute();
  // r2 skipped the scale; r3 skipped the multi-select.
  await db
    .updateTable('answers')
    .set({ skipped: 1, value_number: null })
    .where('respondent_id', '=', 'r2')
    .where('question_id', '=', 'housing_suitable')
    .execute();
  await db
    .updateTable('answers')
    .set({ skipped: 1, value_choices: null })
    .where('respondent_id', '=', 'r3')
    .where('question_id', '=', 'leisure_activities')
    .execute();
}, 60_000);
afterAll(async () => {
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** The .sps file's blocks: GET DATA variables, VARIABLE LABELS, VALUE LABELS and MISSING VALUES. */
function parseSps(text: string) {
  const block = (start: string) => {
    const i = text.indexOf(`\n${start}`);
    if (i < 0) return '';
    return text.slice(i + start.length + 1, text.indexOf('\n.', i + 1));
  };
  const str = (s: string) => s.slice(1, -1).replace(/''/g, "'");
  const variables = [
    ...block('GET DATA')
      .split('/VARIABLES=')[1]!
      .matchAll(/^\s+(\S+) ([AF][0-9.]+)$/gm),
  ].map((m) => ({ name: m[1]!, format: m[2]! }));
  const varLabels = new Map(
    block('VARIABLE LABELS')
      .split(/\n\s*\//)
      .map((l) => /^\s*(\S+) ('(?:[^']|'')*')$/.exec(l)!)
      .map((m) => [m[1]!, str(m[2]!)]),
  );
  const valueLabels = new Map(
    block('VALUE LABELS')
      .split(/\n\s*\//)
      .map((l) => /^\s*(\S+) (.*)$/.exec(l)!)
      .map((m) => [m[1]!, new Map([...m[2]!.matchAll(/(-?\d+) ('(?:[^']|'')*')/g)].map((x) => [Number(x[1]), str(x[2]!)]))]),
  );
  const missing = new Map([...text.matchAll(/^MISSING VALUES (\S+) \(([^)]*)\)\.$/gm)].map((m) => [m[1]!, m[2]!.split(', ').map(Number)]));
  return { variables, varLabels, valueLabels, missing };
}

describe('the wide export', () => {
  let out: string;
  let rows: Array<Record<string, string>>;
  let header: string[];

  it("uses the pilot's own survey, not SURVEY_FILE's, and writes wide.csv and wide.sps", async () => {
    out = join(dir, 'out');
    const r = await stemmen(['export', 'wide-one', '--out', out], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('3 respondent rows in wide.csv');
    const raw = readFileSync(join(out, 'wide.csv'));
    header = (parse(raw, { to_line: 1 }) as string[][])[0]!;
    rows = parse(raw, { columns: true }) as Array<Record<string, string>>;
    expect(rows.map((x) => x.respondent_id)).toEqual(['r1', 'r2', 'r3']);
  });

  it('has a column for every question, multi-select as one 0/1 column per choice, codes for single and yes/no, empty when skipped or not asked', () => {
    for (const q of survey.questions) {
      if (q.type === 'multi') for (const c of q.choices) expect(header, `${q.id}_${c.id}`).toContain(`${q.id}_${c.id}`);
      else if (q.type !== 'note') expect(header, q.id).toContain(q.id);
    }
    expect(header.slice(0, 6)).toEqual(['respondent_id', 'wave', 'pilot_code', 'survey_version', 'language', 'channel']);
    const [r1, r2, r3] = rows as [Record<string, string>, Record<string, string>, Record<string, string>];
    expect(r1).toMatchObject({ wave: '1', pilot_code: 'wide-one', language: 'ar', channel: 'telegram', arrival_year: '2019' });
    expect(r1).toMatchObject({ residence_status: '1', work_has_paid_work: '1', housing_suitable: '3', closing_story: 'ትምህርቲ ቋንቋ' });
    // One case per line for SPSS/PSPP: line breaks in typed answers become spaces (answers.csv keeps them).
    expect(unescapeFormula(r1.housing_why!)).toBe('=HYPERLINK("x")');
    expect(r1.housing_why).toBe(`'=HYPERLINK("x")`);
    const leisure = (r: Record<string, string>) => ['sport', 'volunteering', 'religious', 'cultural', 'none'].map((c) => r[`leisure_activities_${c}`]);
    expect(leisure(r1)).toEqual(['1', '0', '0', '1', '0']);
    expect(leisure(r2)).toEqual(['0', '0', '0', '0', '1']);
    expect(leisure(r3)).toEqual(['', '', '', '', '']);
    expect(r2).toMatchObject({ residence_status: '3', work_has_paid_work: '2', housing_suitable: '', housing_why: '', arrival_year: '' });
    expect(r3).toMatchObject({ residence_status: '', work_has_paid_work: '', closing_story: '' });
  });

  it('describes every variable and value in wide.sps, in the default language or --language', async () => {
    const check = (sps: string, lng: string) => {
      const label = labelsIn(survey, i18n, lng);
      const parsed = parseSps(sps);
      expect(parsed.variables.map((v) => v.name)).toEqual(header);
      for (const c of wideColumns(survey)) {
        expect(parsed.varLabels.get(c.name), c.name).toBeTruthy();
        if (c.kind === 'meta') continue;
        const text = label(c.question.textKey).replace(/\s+/g, ' ').trim();
        expect(parsed.varLabels.get(c.name)!.startsWith(text), `${c.name} in ${lng}`).toBe(true);
        const values = parsed.valueLabels.get(c.name);
        if (c.kind === 'code') for (const x of c.codes) expect(values?.get(x.code), `${c.name}=${x.code}`).toBe(label(x.choice.textKey));
        if (c.kind === 'flag') expect([values?.get(0), values?.get(1)]).toEqual([label('bot:common.no'), label('bot:common.yes')]);
        if (c.kind === 'number' && c.question.type === 'scale') expect(values?.get(c.question.max)).toBe(label(c.question.maxLabelKey));
      }
      expect(parsed.missing.get('residence_status')).toEqual([3]);
      expect(sps).toMatch(/\/FILE='wide\.csv'/);
      expect(sps).toMatch(/SAVE OUTFILE='wide\.sav'\./);
    };
    check(readFileSync(join(out, 'wide.sps'), 'utf8'), 'en');
    const ar = join(dir, 'out-ar');
    expect((await stemmen(['export', 'wide-one', '--out', ar, '--language', 'ar'], env)).code).toBe(0);
    const sps = readFileSync(join(ar, 'wide.sps'), 'utf8');
    expect(sps).toMatch(/[\u0600-\u06FF]/);
    check(sps, 'ar');
    const bad = await stemmen(['export', 'wide-one', '--language', 'fa'], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('--language "fa" is not a language of survey "wide-example"; use one of en, nl, ar, ti\n');
  });

  it('describes the wide table in datapackage.json for R and pandas, codes as categories', () => {
    const pkg = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8'));
    const wide = pkg.resources.find((r: { name: string }) => r.name === 'wide');
    expect(wide.path).toBe('wide.csv');
    const fields = wide.schema.fields as Array<{ name: string; type: string; categories?: Array<{ value: number; label: string }> }>;
    expect(fields.map((f) => f.name)).toEqual(header);
    expect(wide.schema.primaryKey).toEqual(['respondent_id', 'wave']);
    expect(fields.find((f) => f.name === 'residence_status')!.categories!.map((c) => c.value)).toEqual([1, 2, 3]);
    expect(fields.find((f) => f.name === 'leisure_activities_sport')!.type).toBe('integer');
    expect(fields.find((f) => f.name === 'housing_why')!.type).toBe('string');
  });
});

describe('where a pilot runs', () => {
  it('is set by pilot create --municipality and changed by pilot set; bad input is named, exit 1', async () => {
    const row = () => db.selectFrom('pilots').select('municipality').where('code', '=', 'wide-one').executeTakeFirstOrThrow();
    expect(await row()).toEqual({ municipality: 'Utrecht' });
    const set = await stemmen(['pilot', 'set', 'wide-one', '--municipality', ' Amersfoort '], env);
    expect([set.code, set.stderr]).toEqual([0, 'pilot wide-one: municipality Amersfoort\n']);
    expect(await row()).toEqual({ municipality: 'Amersfoort' });
    const none = await stemmen(['pilot', 'set', 'wide-one'], env);
    expect([none.code, none.stderr]).toEqual([1, 'nothing to set; e.g. `stemmen pilot set wide-one --municipality Utrecht` (or --clear-municipality)\n']);
    const empty = await stemmen(['pilot', 'set', 'wide-one', '--municipality', ' '], env);
    expect(empty.code).toBe(1);
    expect(empty.stderr).toMatch(/^--municipality " " must be one line of 1–100 characters/);
    const unknown = await stemmen(['pilot', 'set', 'nope', '--municipality', 'X'], env);
    expect([unknown.code, unknown.stderr]).toEqual([1, 'no pilot has code "nope" (known: wide-one); create one with `stemmen pilot create`\n']);
    expect((await stemmen(['pilot', 'set', 'wide-one', '--clear-municipality'], env)).code).toBe(0);
    expect(await row()).toEqual({ municipality: null });
  }, 60_000);
});

describe('variable names', () => {
  it('are safe for SPSS, R and Stata: letters, digits and _, a letter first, at most 32 characters, unique ignoring case, no reserved word', () => {
    const taken = new Set<string>();
    const names = ['1st-question', 'to', 'Über größe', 'a'.repeat(40), 'A'.repeat(40), `${'a'.repeat(40)}x`, 'with', '__x__'].map((n) => safeName(n, taken));
    for (const n of names) {
      expect(n).toMatch(/^[A-Za-z][A-Za-z0-9_]*$/);
      expect(n.length).toBeLessThanOrEqual(MAX_NAME);
    }
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(names.length);
    expect(names.slice(0, 3)).toEqual(['v_1st_question', 'to_v', 'Uber_gro_e']);
  });
});

describe("the dashboard's Exports page", () => {
  let app: TestApp;
  afterAll(async () => {
    await app?.dispose();
  });

  it('offers the wide table and the SPSS syntax', async () => {
    app = await startTestApp();
    await seed(app.db, 'default', [{ id: 'd1', language: 'nl', channel: 'tryit', answers: [a('leisure_activities', { choices: ['sport'] })] }]);
    await createUser(app.db, 'res@example.org', 'researcher');
    const b = new Browser(app.server);
    await b.login('res@example.org');
    const page = (await b.get('/pilots/default/exports')).body;
    expect(page).toContain('href="/pilots/default/exports/wide.csv"');
    expect(page).toContain('href="/pilots/default/exports/wide.sps"');
    const csv = parse((await b.get('/pilots/default/exports/wide.csv')).body, { columns: true }) as Array<Record<string, string>>;
    expect(csv).toHaveLength(1);
    expect(csv[0]).toMatchObject({ respondent_id: 'd1', leisure_activities_sport: '1', leisure_activities_none: '0', housing_suitable: '' });
    const sps = (await b.get('/pilots/default/exports/wide.sps')).body;
    expect(sps).toContain("/FILE='default-wide.csv'");
    const pkg = JSON.parse((await b.get('/pilots/default/exports/datapackage.json')).body);
    expect(pkg.resources.map((r: { name: string }) => r.name)).toEqual(['answers', 'codebook', 'wide']);
  }, 30_000);
});
