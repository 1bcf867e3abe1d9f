/**
 * What researchers bring: an XLSForm without indicator columns for some rows, imported from
 * their own folder (outside the project), validated there and completed through try-it.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';
import { writeXlsForm } from '../helpers/xlsform.ts';

const EN = 'label::English (en)',
  AR = 'label::Arabic (ar)',
  TI = 'label::Tigrinya (ti)';
const HEADERS = ['type', 'name', EN, AR, TI, 'relevant', 'parameters', 'indicator', 'outcome'];
const CHOICES = {
  headers: ['list_name', 'name', EN, AR, TI],
  rows: [
    { list_name: 'yn', name: 'yes', [EN]: 'Yes', [AR]: 'نعم', [TI]: 'እወ' },
    { list_name: 'yn', name: 'no', [EN]: 'No', [AR]: 'لا', [TI]: 'ኣይፋል' },
    { list_name: 'age', name: 'young', [EN]: 'Under 30', [AR]: 'أقل من 30', [TI]: 'ትሕቲ 30' },
    { list_name: 'age', name: 'older', [EN]: '30 or older', [AR]: '30 أو أكثر', [TI]: '30 ወይ ልዕሊኡ' },
    { list_name: 'status', name: 'asylum', [EN]: 'Asylum procedure', [AR]: 'إجراءات اللجوء', [TI]: 'መስርሕ ዑቕባ' },
    { list_name: 'status', name: 'permit', [EN]: 'Residence permit', [AR]: 'تصريح إقامة', [TI]: 'ፍቓድ መንበሪ' },
  ],
};
/** Work is mapped through its group; the "about you" group, as researchers bring it, is not. */
const FORM = {
  survey: {
    headers: HEADERS,
    rows: [
      { type: 'begin group', name: 'job', indicator: 'work' },
      {
        type: 'select_one yn',
        name: 'has_work',
        [EN]: 'Do you have paid work?',
        [AR]: 'هل لديك عمل مدفوع الأجر؟',
        [TI]: 'ክፉል ስራሕ ኣለኩም ዶ?',
        outcome: 'paid_work_matching_skills',
      },
      {
        type: 'range',
        name: 'work_fair',
        [EN]: 'How fairly are you treated at work?',
        [AR]: 'إلى أي مدى تُعامَل بعدل في العمل؟',
        [TI]: 'ኣብ ስራሕ ክንደይ ብፍትሒ ትተሓዙ?',
        parameters: 'start=0 end=10 step=1',
        relevant: "${has_work} = 'yes'",
        outcome: 'treated_fairly_at_work',
      },
      { type: 'end group', name: 'job' },
      { type: 'begin group', name: 'about_you', relevant: "${has_work} != ''" },
      { type: 'select_one age', name: 'age', [EN]: 'How old are you?', [AR]: 'كم عمرك؟', [TI]: 'ዕድሜኹም ክንደይ እዩ?' },
      { type: 'select_one status', name: 'status', [EN]: 'Your residence status?', [AR]: 'وضع إقامتك؟', [TI]: 'ኩነታት መንበሪኹም?' },
      {
        type: 'text',
        name: 'town',
        [EN]: 'Where do you live?',
        [AR]: 'أين تعيش؟',
        [TI]: 'ኣበይ ትነብሩ?',
        relevant: "${status} = 'permit'",
      },
      { type: 'end group', name: 'about_you' },
    ],
  },
  choices: CHOICES,
  settings: { headers: ['form_id', 'default_language'], rows: [{ form_id: 'own_form', default_language: 'English (en)' }] },
};

/** The researcher's own folder: nothing of the project in it, and the CLI runs there. */
let dir: string;
let app: TestApp;
let imported: Awaited<ReturnType<typeof stemmen>>;
// Unset, so the installation's own texts (bot, bank) are used whatever the working folder.
const ENV = { LOCALES_DIR: '' };
const run = (args: string[]) => stemmen(args, ENV, dir);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-researcher-'));
  expect(dir.startsWith(ROOT)).toBe(false);
  await writeXlsForm(join(dir, 'form.xlsx'), FORM);
  imported = await run(['survey', 'import-xlsform', 'form.xlsx', '--out', 'pilot/own.yaml']);
  app = await startTestApp({ SURVEY_FILE: join(dir, 'pilot/own.yaml') });
}, 60_000);
afterAll(async () => {
  await app?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

type Reply = Awaited<ReturnType<TryitClient['send']>>;
const buttons = (r: Reply) => r.messages.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.data));

async function phase(client: TryitClient): Promise<string | undefined> {
  const row = await app.db
    .selectFrom('sessions')
    .select('phase')
    .where('respondent_id', '=', app.handler.respondentIdFor('tryit', client.token))
    .executeTakeFirst();
  return row?.phase;
}

/** Answers each question by `pick` (a choice id, a scale value or typed text); declines recontact offers. */
async function complete(lang: string, pick: Record<string, string>): Promise<{ client: TryitClient; replies: Reply[] }> {
  const client = new TryitClient(app.url, undefined, lang);
  await client.send({ command: 'start' });
  await client.send({ button: `lang:${lang}` });
  let r = await client.send({ button: 'consent:yes' });
  const replies = [r];
  for (let i = 0; i < 30 && (await phase(client)) !== 'completed'; i++) {
    const d = buttons(r).filter((x) => !x.startsWith('skip:'));
    const asked =
      d.find((x) => x.startsWith('a:'))?.split(':')[1] ??
      buttons(r)
        .find((x) => x.startsWith('skip:'))
        ?.slice('skip:'.length);
    if (asked && pick[asked] && d.some((x) => x.startsWith('a:'))) r = await client.send({ button: `a:${asked}:${pick[asked]}` });
    else if (asked && pick[asked]) r = await client.send({ text: pick[asked] });
    else if (d.length > 0) r = await client.send({ button: d.find((x) => x.endsWith(':no')) ?? d[0]! });
    else r = await client.send({ button: buttons(r)[0]! });
    replies.push(r);
  }
  return { client, replies };
}

async function answersOf(client: TryitClient) {
  const rid = app.handler.respondentIdFor('tryit', client.token);
  return app.db.selectFrom('answers_v1').selectAll().where('respondent_id', '=', rid).execute();
}

describe('an XLSForm with unmapped rows, from a folder outside the project', () => {
  it('imports them as background questions with one warning that lists them and says how to map them', () => {
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toContain(
      'form.xlsx: warning: 3 question(s) have no indicator and are imported as background questions (role: background; no traffic light): age (row 7), status (row 8), town (row 9).',
    );
    expect(imported.stdout).toContain('--map mapping.csv with the columns name,indicator,outcome');
    expect(imported.stdout).toMatch(
      /ok pilot\/own\.yaml: own-form, 5 questions, languages en, ar, ti, about [\d.]+ minutes; texts in pilot\/locales\/<lng>\/survey-own-form\.json/,
    );
    const spec = parse(readFileSync(join(dir, 'pilot/own.yaml'), 'utf8')) as { questions: Array<Record<string, unknown>> };
    const byId = Object.fromEntries(spec.questions.map((q) => [q.id, q]));
    expect(byId.age).toMatchObject({ role: 'background', type: 'single' });
    expect(byId.age).not.toHaveProperty('indicator');
    expect(byId.town).toMatchObject({
      role: 'background',
      when: {
        all: [
          { question: 'has_work', answered: true },
          { question: 'status', equals: 'permit' },
        ],
      },
    });
    expect(byId.work_fair).toMatchObject({ indicator: 'work', outcome: 'treated_fairly_at_work', when: { question: 'has_work', equals: 'yes' } });
    // Everything of the pilot is in the researcher's folder; nothing was written into the project.
    const ti = JSON.parse(readFileSync(join(dir, 'pilot/locales/ti/survey-own-form.json'), 'utf8')) as { q: Record<string, { text: string }> };
    expect(ti.q.age!.text).toBe('ዕድሜኹም ክንደይ እዩ?');
    expect(existsSync(join(dir, 'pilot/locales/review.json'))).toBe(true);
    expect(existsSync(join(ROOT, 'locales/en/survey-own-form.json'))).toBe(false);
  });

  it('validates and previews there, showing the background questions', async () => {
    const v = await run(['survey', 'validate', 'pilot/own.yaml']);
    expect(v.stderr).toBe('');
    expect(v.stdout).toMatch(/^ok pilot\/own\.yaml: own-form v1, 5 questions \(0 follow-ups, 3 background \(age, status, town\)\), 3 languages/m);
    const p = await run(['survey', 'preview', 'pilot/own.yaml', '--lang', 'ar']);
    expect(p.code).toBe(0);
    expect(p.stdout).toContain('--- age (single, background)');
    expect(p.stdout).toContain('كم عمرك؟');
  }, 120_000);

  it('registers as a pilot from that folder, its texts found beside the survey file', async () => {
    const create = ['pilot', 'create', '--survey', 'pilot/own.yaml', '--name', 'Own form', '--channels', 'telegram'];
    const r = await stemmen(create, { ...ENV, DATA_DIR: join(dir, 'data') }, dir);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/created pilot "Own form" \([a-z0-9]+\): survey own-form v1 from pilot\/own\.yaml, 3 languages/);
  }, 120_000);

  it('is completed through try-it in Tigrinya: background answers are stored with no indicator, outcome or colour', async () => {
    const { client, replies } = await complete('ti', { has_work: 'yes', work_fair: '3', age: 'young', status: 'permit', town: 'Utrecht' });
    expect(await phase(client)).toBe('completed');
    const answers = await answersOf(client);
    const by = Object.fromEntries(answers.map((a) => [a.question_id, a]));
    expect(Object.keys(by)).toEqual(expect.arrayContaining(['has_work', 'work_fair', 'age', 'status', 'town']));
    expect(by.work_fair).toMatchObject({ indicator: 'work', outcome: 'treated_fairly_at_work', value_number: 3 });
    for (const id of ['age', 'status', 'town']) expect(by[id]).toMatchObject({ indicator: null, outcome: null, traffic_light: null, language: 'ti' });
    expect(by.status!.value_choices).toContain('permit');
    expect(by.town!.value_text).toBe('Utrecht');
    const texts = replies.flatMap((r) => r.messages).map((m) => m.text);
    expect(texts.some((t) => t.includes('ዕድሜኹም ክንደይ እዩ?'))).toBe(true);
  });

  it('follows the skip logic in Arabic: no town without a residence permit', async () => {
    const { client, replies } = await complete('ar', { has_work: 'no', age: 'older', status: 'asylum' });
    expect(await phase(client)).toBe('completed');
    const asked = (await answersOf(client)).map((a) => a.question_id);
    expect(asked).toEqual(expect.arrayContaining(['has_work', 'age', 'status']));
    expect(asked).not.toContain('work_fair');
    expect(asked).not.toContain('town');
    expect(replies.flatMap((r) => r.messages).every((m) => m.dir === 'rtl')).toBe(true);
  });
});

describe('mapping, and forms that map nothing', () => {
  const onlyBackground = {
    survey: { headers: HEADERS, rows: FORM.survey.rows.slice(5, 8) },
    choices: CHOICES,
    settings: { headers: ['form_id'], rows: [{ form_id: 'only_bg' }] },
  };

  it('imports a form with only unmapped rows; validate says it maps no indicator and how to fix it', async () => {
    await writeXlsForm(join(dir, 'only.xlsx'), onlyBackground);
    const r = await run(['survey', 'import-xlsform', 'only.xlsx', '--out', 'only/only.yaml', '--locales', 'texts']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(existsSync(join(dir, 'texts/ar/survey-only-bg.json'))).toBe(true);
    const v = await run(['survey', 'validate', 'only/only.yaml', '--locales', 'texts']);
    expect(v.code).toBe(0);
    expect(v.stdout).toMatch(
      /^only\/only\.yaml:\d+:1 warning: questions: this survey maps no indicator: all 3 questions are background questions \(age, status, town\), so its answers never reach the traffic-light map; give the questions about experience an "indicator:" and "outcome:"/m,
    );
    const missing = await run(['survey', 'validate', 'only/only.yaml', '--locales', 'nowhere']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('only/only.yaml:1:1 --locales');
    expect(missing.stderr).toContain('nowhere: folder not found; check the path or leave --locales out');
  }, 120_000);

  it('maps unmapped rows with --map mapping.csv', async () => {
    writeFileSync(join(dir, 'mapping.csv'), 'name,indicator,outcome\nstatus,stability,secure_residence_status\n');
    const r = await run(['survey', 'import-xlsform', 'only.xlsx', '--out', 'mapped/only.yaml', '--map', 'mapping.csv']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      '2 question(s) have no indicator and are imported as background questions (role: background; no traffic light): age (row 2), town (row 4)',
    );
    const spec = parse(readFileSync(join(dir, 'mapped/only.yaml'), 'utf8')) as { questions: Array<Record<string, unknown>> };
    expect(spec.questions.find((q) => q.id === 'status')).toMatchObject({ indicator: 'stability', outcome: 'secure_residence_status' });
    expect(spec.questions.find((q) => q.id === 'status')).not.toHaveProperty('role');
  }, 120_000);

  it('refuses a mapping naming an unknown indicator, outcome or question by file:line, exit 1, writing nothing', async () => {
    mkdirSync(join(dir, 'bad'), { recursive: true });
    writeFileSync(join(dir, 'bad/mapping.csv'), 'name,indicator,outcome\nage,helth,access_to_care\nstatus,stability,secure_status\ntwon,work,enough_income\n');
    const r = await run(['survey', 'import-xlsform', 'only.xlsx', '--out', 'bad/only.yaml', '--map', 'bad/mapping.csv']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad/mapping.csv:2 (indicator): "helth" is not an indicator; did you mean "health"?');
    expect(r.stderr).toContain(
      'bad/mapping.csv:3 (outcome): "secure_status" is not an outcome of stability; use one of: secure_residence_status, can_plan_the_future, stable_place_to_live',
    );
    expect(r.stderr).toContain('bad/mapping.csv:4: the form has no question "twon"; use a name from the survey sheet');
    expect(r.stderr).toContain('bad/mapping.csv: 3 problem(s); nothing was written');
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'bad/only.yaml'))).toBe(false);
  }, 120_000);

  it('refuses a background question with a traffic light by file:line', async () => {
    const file = join(dir, 'traffic.yaml');
    writeFileSync(
      file,
      [
        'specVersion: 2',
        'id: traffic-bg',
        'version: 1',
        'languages: [en]',
        'defaultLanguage: en',
        'consent: { version: 1 }',
        'questions:',
        '  - id: status',
        '    type: single',
        '    role: background',
        '    choices: [asylum, permit]',
        '    traffic: { red: [asylum] }',
        '',
      ].join('\n'),
    );
    const r = await run(['survey', 'validate', 'traffic.yaml']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'traffic.yaml:12:14 questions[0].traffic: question "status" is a background question (role: background), which carries no traffic light; remove "traffic:" or drop "role: background"',
    );
  }, 120_000);
});
