import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { Browser, completeWithRedAnswers, createUser, seed } from '../helpers/dashboard.ts';

let app: TestApp;
const clients: TryitClient[] = [];
const TRICKY = 'Werk, "eerlijk"?\nNee; tweede regel';
// No URL in it: exports mask URLs as [url] (bot/web/shown.ts), and this test is about the formula.
const FORMULA = '=HYPERLINK("#sheet2!A1","y")';

function cli(args: string[]) {
  return spawnSync(process.execPath, [join(ROOT, 'scripts/stemmen.mjs'), ...args], {
    cwd: ROOT,
    env: { ...process.env, DATA_DIR: app.dir, LOG_LEVEL: 'silent' },
    encoding: 'utf8',
  });
}

beforeAll(async () => {
  app = await startTestApp();
  for (const lang of ['en', 'ar']) {
    const c = new TryitClient(app.url, undefined, lang);
    const rid = app.handler.respondentIdFor('tryit', c.token);
    await completeWithRedAnswers(
      c,
      lang,
      async () => (await app.db.selectFrom('sessions').select('phase').where('respondent_id', '=', rid).executeTakeFirst())?.phase === 'completed',
    );
    clients.push(c);
  }
  await seed(app.db, 'default', [
    {
      id: 'tricky',
      language: 'nl',
      channel: 'telegram',
      answers: [{ questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly_at_work', light: null, text: TRICKY }],
    },
    {
      id: 'formula',
      language: 'nl',
      channel: 'whatsapp',
      answers: [
        { questionId: 'work_fair_why', indicator: 'work', outcome: 'treated_fairly_at_work', light: null, text: FORMULA },
        { questionId: 'work_fair', indicator: 'work', outcome: 'treated_fairly_at_work', light: 'red', number: -5 },
        { questionId: 'housing_why', indicator: 'housing', outcome: 'suitable_home', light: null, text: '@SUM(1+1)' },
      ],
    },
  ]);
}, 60_000);
afterAll(async () => {
  await app.dispose();
});

describe('stemmen export', () => {
  it('writes answers.csv, codebook.csv and datapackage.json that a CSV parser reads and the codebook explains', async () => {
    const out = join(app.dir, 'out-csv');
    const r = cli(['export', 'default', '--format', 'csv', '--out', out]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8'));
    expect(pkg.profile).toBe('tabular-data-package');
    const answers = parse(readFileSync(join(out, 'answers.csv')), { columns: true, bom: false }) as Array<Record<string, string>>;
    const codebook = parse(readFileSync(join(out, 'codebook.csv')), { columns: true }) as Array<Record<string, string>>;
    const fields = pkg.resources[0].schema.fields.map((f: { name: string }) => f.name);
    expect(Object.keys(answers[0]!)).toEqual(fields);
    expect(Object.keys(codebook[0]!)).toEqual(pkg.resources[1].schema.fields.map((f: { name: string }) => f.name));
    expect(r.stdout).toContain(`exported ${answers.length} answers`);

    const stored = await app.db
      .selectFrom('answers_v1')
      .select((eb) => eb.fn.countAll().as('n'))
      .where('pilot_code', '=', 'default')
      .executeTakeFirstOrThrow();
    expect(answers).toHaveLength(Number(stored.n));
    expect(answers.find((a) => a.respondent_id === 'tricky')!.value_text).toBe(TRICKY);
    const questions = new Map(codebook.filter((c) => c.value === '').map((c) => [c.question_id, c]));
    for (const a of answers) {
      const q = questions.get(a.question_id);
      expect(q, a.question_id).toBeDefined();
      expect(q!.indicator).toBe(a.indicator);
      expect(q!.label_ar).toMatch(/[\u0600-\u06FF]/);
      for (const choice of a.value_choices ? (JSON.parse(a.value_choices) as string[]) : []) {
        expect(
          codebook.some((c) => c.question_id === a.question_id && c.value === choice),
          `${a.question_id}=${choice}`,
        ).toBe(true);
      }
      if (a.traffic_light) expect(['red', 'orange', 'green']).toContain(a.traffic_light);
    }
    expect(codebook.find((c) => c.question_id === 'work_has_paid_work' && c.value === 'yes')!.label_nl).toBe('Ja');
    const all = ['answers.csv', 'codebook.csv', 'datapackage.json'].map((f) => readFileSync(join(out, f), 'utf8')).join('\n');
    for (const c of clients) expect(all).not.toContain(c.token);
  });

  it('escapes what a spreadsheet would run as a formula in text cells, and leaves numbers (also negative ones) alone', () => {
    const out = join(app.dir, 'out-csv');
    const raw = readFileSync(join(out, 'answers.csv'), 'utf8');
    const answers = parse(raw, { columns: true }) as Array<Record<string, string>>;
    const mine = answers.filter((a) => a.respondent_id === 'formula');
    expect(mine.find((a) => a.question_id === 'work_fair_why')!.value_text).toBe(`'${FORMULA}`);
    expect(mine.find((a) => a.question_id === 'housing_why')!.value_text).toBe("'@SUM(1+1)");
    expect(mine.find((a) => a.question_id === 'work_fair')!.value_number).toBe('-5');
    expect(raw).toContain(',-5,');
    expect(raw).not.toMatch(/(^|,)"?[=@]/m);
    const pkg = JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8'));
    expect(pkg.resources[0].schema.fields.find((f: { name: string }) => f.name === 'value_text').description).toMatch(/leading '.*formula/);
    expect(pkg.resources[0].description).toContain("remove that one leading '");
    // JSON Lines are not opened by spreadsheets: the text stays exactly as given.
    const jsonl = join(app.dir, 'out-jsonl-formula');
    expect(cli(['export', 'default', '--format', 'jsonl', '--out', jsonl]).status).toBe(0);
    const lines = readFileSync(join(jsonl, 'answers.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.find((l) => l.respondent_id === 'formula' && l.question_id === 'work_fair_why')!.value_text).toBe(FORMULA);
  });

  it('writes JSON Lines with the same rows', () => {
    const out = join(app.dir, 'out-jsonl');
    expect(cli(['export', 'default', '--format', 'jsonl', '--out', out]).status).toBe(0);
    const csv = parse(readFileSync(join(app.dir, 'out-csv', 'answers.csv')), { columns: true }) as unknown[];
    const lines = readFileSync(join(out, 'answers.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { answer_id: string });
    expect(lines).toHaveLength(csv.length);
    expect(JSON.parse(readFileSync(join(out, 'datapackage.json'), 'utf8')).resources[0].path).toBe('answers.jsonl');
  });

  it("serves the same CSV from the dashboard's Exports page", async () => {
    await createUser(app.db, 'res@example.org', 'researcher');
    const b = new Browser(app.server);
    await b.login('res@example.org');
    const page = (await b.get('/pilots/default/exports')).body;
    expect(page).toContain('href="/pilots/default/exports/answers.csv"');
    expect(page).toContain('a text that a spreadsheet would run as a formula');
    const res = await b.get('/pilots/default/exports/answers.csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="default-answers.csv"');
    expect(res.body).toBe(readFileSync(join(app.dir, 'out-csv', 'answers.csv'), 'utf8'));
    expect((await b.get('/pilots/default/exports/codebook.csv')).body).toBe(readFileSync(join(app.dir, 'out-csv', 'codebook.csv'), 'utf8'));
  });

  it('names the problem for a bad format or an unknown pilot', () => {
    const bad = cli(['export', 'default', '--format', 'xlsx']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('--format must be csv or jsonl (got "xlsx")\n');
    const unknown = cli(['export', 'nope']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toMatch(/^no pilot "nope" in .*stemmen\.sqlite; check the code/);
  });
});
