import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, TryitClient, type TestApp } from '../helpers/app.ts';
import { stemmen, tempWorkspace } from '../helpers/cli.ts';
import { writeXlsForm } from '../helpers/xlsform.ts';

const EN = 'label::English (en)',
  AR = 'label::Arabic (ar)',
  TI = 'label::Tigrinya (ti)';
const SURVEY_HEADERS = [
  'type',
  'name',
  EN,
  AR,
  TI,
  'hint::English (en)',
  'hint::Arabic (ar)',
  'hint::Tigrinya (ti)',
  'media::audio::Arabic (ar)',
  'required',
  'relevant',
  'constraint',
  'constraint_message',
  'parameters',
  'indicator',
  'outcome',
];

/** A form as a KoboToolbox user would build it: three languages, an Arabic audio prompt, skip logic, a group. */
const FORM = {
  survey: {
    headers: SURVEY_HEADERS,
    rows: [
      { type: 'start', name: 'start' },
      { type: 'note', name: 'welcome', [EN]: 'A few questions about work and health.', [AR]: 'بعض الأسئلة عن العمل والصحة.', [TI]: 'ብዛዕባ ስራሕን ጥዕናን ሒደት ሕቶታት።' },
      {
        type: 'select_one yes_no',
        name: 'has_work',
        [EN]: 'Do you have paid work?',
        [AR]: 'هل لديك عمل مدفوع الأجر؟',
        [TI]: 'ክፉል ስራሕ ኣለኩም ዶ?',
        'media::audio::Arabic (ar)': 'has_work_ar.ogg',
        required: 'yes',
        indicator: 'work',
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
        indicator: 'work',
        outcome: 'treated_fairly_at_work',
      },
      {
        type: 'text',
        name: 'work_fair_why',
        [EN]: 'Why this number?',
        [AR]: 'لماذا هذا الرقم؟',
        [TI]: 'ስለምንታይ እዚ ቁጽሪ?',
        relevant: "${has_work} = 'yes' and ${work_fair} <= 6",
        indicator: 'work',
        outcome: 'treated_fairly_at_work',
      },
      { type: 'begin group', name: 'health', indicator: 'health', relevant: "${has_work} != ''" },
      {
        type: 'select_multiple care',
        name: 'care_used',
        [EN]: 'Which care did you use this year?',
        [AR]: 'ما الرعاية التي استخدمتها هذا العام؟',
        [TI]: 'ኣብዚ ዓመት ኣየናይ ክንክን ተጠቒምኩም?',
        outcome: 'access_to_care',
        constraint: "not(selected(., 'none') and count-selected(.) > 1)",
        constraint_message: 'None means none',
      },
      {
        type: 'integer',
        name: 'waiting_weeks',
        [EN]: 'How many weeks did you wait for the hospital?',
        [AR]: 'كم أسبوعًا انتظرت المستشفى؟',
        [TI]: 'ንሆስፒታል ክንደይ ሰሙን ተጸቢኹም?',
        'hint::English (en)': 'Type 0 if you did not wait.',
        'hint::Arabic (ar)': 'اكتب 0 إذا لم تنتظر.',
        'hint::Tigrinya (ti)': 'እንተዘይተጸቢኹም 0 ጽሓፉ።',
        relevant: "selected(${care_used}, 'hospital')",
        constraint: '. >= 0 and . <= 104',
        outcome: 'access_to_care',
      },
      { type: 'end group' },
      { type: 'calculate', name: 'score', calculation: '${waiting_weeks} * 2' },
      {
        type: 'date',
        name: 'arrival',
        [EN]: 'When did you arrive?',
        [AR]: 'متى وصلت؟',
        [TI]: 'መዓስ መጺእኩም?',
        indicator: 'stability',
        outcome: 'secure_residence_status',
      },
      {
        type: 'audio',
        name: 'story',
        [EN]: 'Tell us more in a voice message.',
        [AR]: 'أخبرنا المزيد في رسالة صوتية.',
        [TI]: 'ብድምጺ መልእኽቲ ተወሳኺ ንገሩና።',
        indicator: 'links',
        outcome: 'has_a_say',
      },
      { type: 'geopoint', name: 'where', [EN]: 'Where are you?' },
    ],
  },
  choices: {
    headers: ['list_name', 'name', EN, AR, TI, 'media::image'],
    rows: [
      { list_name: 'yes_no', name: 'yes', [EN]: 'Yes', [AR]: 'نعم', [TI]: 'እወ' },
      { list_name: 'yes_no', name: 'no', [EN]: 'No', [AR]: 'لا', [TI]: 'ኣይፋል' },
      { list_name: 'care', name: 'gp', [EN]: 'Family doctor', [AR]: 'طبيب العائلة', [TI]: 'ሓኪም ስድራ', 'media::image': 'gp.png' },
      { list_name: 'care', name: 'hospital', [EN]: 'Hospital', [AR]: 'مستشفى', [TI]: 'ሆስፒታል' },
      { list_name: 'care', name: 'none', [EN]: 'None', [AR]: 'لا شيء', [TI]: 'ዋላ ሓደ' },
    ],
  },
  settings: {
    headers: ['form_title', 'form_id', 'version', 'default_language'],
    rows: [{ form_title: 'Utrecht newcomers 2026', form_id: 'utrecht_newcomers', version: '3', default_language: 'English (en)' }],
  },
};

let ws: ReturnType<typeof tempWorkspace>;
let surveyFile: string;
let app: TestApp;
let imported: Awaited<ReturnType<typeof stemmen>>;

beforeAll(async () => {
  ws = tempWorkspace('xlsform');
  const form = join(ws.dir, 'forms/utrecht.xlsx');
  mkdirSync(join(ws.dir, 'forms'));
  await writeXlsForm(form, FORM);
  writeFileSync(join(ws.dir, 'forms/has_work_ar.ogg'), 'OggS');
  surveyFile = join(ws.dir, 'surveys/utrecht.yaml');
  imported = await stemmen(['survey', 'import-xlsform', form, '--out', surveyFile], { LOCALES_DIR: ws.locales });
  app = await startTestApp({ SURVEY_FILE: surveyFile, LOCALES_DIR: ws.locales });
}, 30_000);
afterAll(async () => {
  await app?.dispose();
  rmSync(ws.dir, { recursive: true, force: true });
});

type Reply = Awaited<ReturnType<TryitClient['send']>>;
const data = (r: Reply) => r.messages.flatMap((m) => (m.buttons ?? []).flat().map((b) => b.data));

async function completed(client: TryitClient): Promise<boolean> {
  const row = await app.db
    .selectFrom('sessions')
    .select('phase')
    .where('respondent_id', '=', app.handler.respondentIdFor('tryit', client.token))
    .executeTakeFirst();
  return row?.phase === 'completed';
}

/** Answers each prompt by the given choice for a question (or the first button, "no", or 2019 — valid as text, number, date and media answer), until completed. */
async function complete(lang: string, pick: Record<string, string>, form = 'text'): Promise<{ client: TryitClient; replies: Reply[] }> {
  const client = new TryitClient(app.url, undefined, lang);
  const replies: Reply[] = [];
  let r = await client.send({ command: 'start' });
  r = await client.send({ button: `lang:${lang}` });
  // Where the language has recordings, the prompt form is chosen before consent (heard, not only read).
  if (data(r).some((x) => x.startsWith('form:'))) {
    replies.push(r);
    r = await client.send({ button: `form:${form}` });
    replies.push(r);
  }
  r = await client.send({ button: 'consent:yes' });
  replies.push(r);
  for (let i = 0; i < 40 && !(await completed(client)); i++) {
    const d = data(r).filter((x) => !x.startsWith('skip:'));
    const qid = d[0]?.split(':')[1];
    if (d.some((x) => x.startsWith('form:'))) r = await client.send({ button: `form:${form}` });
    else if (d[0]?.startsWith('a:') && qid && pick[qid]) r = await client.send({ button: `a:${qid}:${pick[qid]}` });
    else if (d[0]?.startsWith('m:')) {
      for (const c of (pick[qid!] ?? '').split(',')) await client.send({ button: `m:${qid}:${c}` });
      r = await client.send({ button: `md:${qid}` });
    } else if (d.length > 0) r = await client.send({ button: d.find((x) => x.endsWith(':no')) ?? d[0]! });
    else {
      const typed = data(r)
        .find((x) => x.startsWith('skip:'))
        ?.slice('skip:'.length);
      r = await client.send({ text: (typed && pick[typed]) || '2019' });
    }
    replies.push(r);
  }
  return { client, replies };
}

async function answersOf(client: TryitClient) {
  const rid = app.handler.respondentIdFor('tryit', client.token);
  return app.db.selectFrom('answers_v1').selectAll().where('respondent_id', '=', rid).execute();
}

describe('stemmen survey import-xlsform', () => {
  it('imports a multi-language form and lists every left-out thing by sheet and row', () => {
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/ok .*utrecht\.yaml: utrecht-newcomers, 8 questions, languages en, ar, ti/);
    for (const line of [
      'survey row 2 (type): start is form metadata',
      'survey row 8 (constraint): "not(selected(., \'none\') and count-selected(.) > 1)" is not imported',
      'survey row 8 (constraint_message): column "constraint_message" is not imported',
      'survey row 11 (type): type "calculate" is not supported; "score" is not imported',
      'survey row 14 (type): type "geopoint" is not supported',
      'choices row 4 (media::image): column "media::image" (rows 4–4) is not imported',
    ])
      expect(imported.stdout).toContain(line);
    const spec = parse(readFileSync(surveyFile, 'utf8')) as { id: string; version: number; mediaDir: string; questions: Array<Record<string, unknown>> };
    expect(spec).toMatchObject({ id: 'utrecht-newcomers', version: 3, mediaDir: '../forms' });
    const byId = Object.fromEntries(spec.questions.map((q) => [q.id, q]));
    expect(byId.has_work).toMatchObject({ type: 'single', required: true, audio: { ar: 'has_work_ar.ogg' } });
    expect(byId.work_fair).toMatchObject({ type: 'scale', min: 0, max: 10, when: { question: 'has_work', equals: 'yes' } });
    expect(byId.waiting_weeks).toMatchObject({
      type: 'number',
      integer: true,
      min: 0,
      max: 104,
      indicator: 'health',
      hint: 'q.waiting_weeks.hint',
      when: {
        all: [
          { question: 'has_work', answered: true },
          { question: 'care_used', includes: 'hospital' },
        ],
      },
    });
    const ti = JSON.parse(readFileSync(join(ws.dir, 'surveys/locales/ti/survey-utrecht-newcomers.json'), 'utf8')) as { q: Record<string, { text: string }> };
    expect(ti.q.has_work!.text).toBe('ክፉል ስራሕ ኣለኩም ዶ?');
  });

  it('completes the imported form through the try-it channel in Arabic with the audio prompt, following the skip logic', async () => {
    const { client, replies } = await complete('ar', { has_work: 'yes', work_fair: '3', care_used: 'hospital', waiting_weeks: '5' }, 'audio');
    expect(await completed(client)).toBe(true);
    const media = replies
      .flatMap((r) => r.messages)
      .map((m) => (m as { media?: { file: string } }).media?.file)
      .filter(Boolean);
    // The browser gets the prompt by an opaque id (never the server path); it serves the recorded file.
    expect(media.every((f) => /^\/try\/api\/prompts\/[A-Za-z0-9_-]{22}$/.test(f!))).toBe(true);
    const served = await Promise.all(media.map(async (f) => Buffer.from(await (await fetch(`${app.url}${f}`)).arrayBuffer())));
    expect(served.some((b) => b.equals(readFileSync(join(ws.dir, 'forms/has_work_ar.ogg'))))).toBe(true);
    const answers = await answersOf(client);
    const asked = answers.map((a) => a.question_id);
    expect(asked).toEqual(expect.arrayContaining(['has_work', 'work_fair', 'work_fair_why', 'care_used', 'waiting_weeks', 'arrival', 'story']));
    expect(new Set(answers.map((a) => a.language))).toEqual(new Set(['ar']));
    expect(answers.find((a) => a.question_id === 'waiting_weeks')).toMatchObject({ indicator: 'health', outcome: 'access_to_care' });
  });

  it('skips what the skip logic rules out, in Tigrinya', async () => {
    const { client, replies } = await complete('ti', { has_work: 'no', care_used: 'gp' });
    expect(await completed(client)).toBe(true);
    const asked = (await answersOf(client)).map((a) => a.question_id);
    expect(asked).toContain('has_work');
    expect(asked).not.toContain('work_fair');
    expect(asked).not.toContain('waiting_weeks');
    expect(
      replies
        .flatMap((r) => r.messages)
        .filter((m) => m.language === 'ti')
        .every((m) => /[\u1200-\u137F]/.test(m.text)),
    ).toBe(true);
  });
});

describe('bad XLSForms', () => {
  const bad = async (name: string, sheets: Parameters<typeof writeXlsForm>[1]) => {
    const file = join(ws.dir, `${name}.xlsx`);
    await writeXlsForm(file, sheets);
    return stemmen(['survey', 'import-xlsform', file, '--out', join(ws.dir, `${name}.yaml`)], { LOCALES_DIR: ws.locales });
  };
  const S = ['type', 'name', 'label', 'relevant', 'indicator', 'outcome'];
  const C = {
    headers: ['list_name', 'name', 'label'],
    rows: [
      { list_name: 'yn', name: 'yes', label: 'Yes' },
      { list_name: 'yn', name: 'no', label: 'No' },
    ],
  };

  it('names sheet, row and column for unknown types, broken expressions, duplicates and missing lists; writes nothing', async () => {
    const r = await bad('broken', {
      survey: {
        headers: S,
        rows: [
          { type: 'select_one yn', name: 'a', label: 'A?', indicator: 'work', outcome: 'enough_income' },
          { type: 'selectone yn', name: 'b', label: 'B?', indicator: 'work', outcome: 'enough_income' },
          { type: 'text', name: 'c', label: 'C?', relevant: "${a} = 'yes' and (", indicator: 'work', outcome: 'enough_income' },
          { type: 'text', name: 'a', label: 'A again', indicator: 'work', outcome: 'enough_income' },
          { type: 'select_one colours', name: 'd', label: 'D?', indicator: 'helth', outcome: 'enough_income' },
          { type: 'text', name: 'e', label: 'E?', relevant: '${nope} = 1', indicator: 'work', outcome: 'enough_income' },
        ],
      },
      choices: C,
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('survey row 3 (type): unknown type "selectone"; did you mean "select_one"?');
    expect(r.stderr).toContain('survey row 4 (relevant): cannot read "${a} = \'yes\' and (": the expression ends too early');
    expect(r.stderr).toContain('survey row 5 (name): question name "a" is already used in row 2; names must be unique');
    expect(r.stderr).toContain('survey row 6 (type): list "colours" has no rows in the choices sheet');
    expect(r.stderr).toContain('survey row 7 (relevant): cannot read "${nope} = 1": ${nope} is not a question name in this form');
    expect(r.stderr).toMatch(/5 problem\(s\); nothing was written\n$/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(ws.dir, 'broken.yaml'))).toBe(false);
  });

  it('rejects a file that is not a workbook and one without a survey sheet', async () => {
    const junk = join(ws.dir, 'junk.xlsx');
    writeFileSync(junk, 'not a zip');
    const r = await stemmen(['survey', 'import-xlsform', junk], { LOCALES_DIR: ws.locales });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/junk\.xlsx: cannot read it as an \.xlsx workbook .*save it as \.xlsx/);
    const r2 = await bad('nosurvey', { Sheet1: { headers: ['a'], rows: [{ a: 1 }] } });
    expect(r2.code).toBe(1);
    expect(r2.stderr).toContain('survey: the workbook has no "survey" sheet (it has: Sheet1); is this an XLSForm?');
  });
});

describe('XLSForm constraints: negative bounds, arithmetic and count-selected()', () => {
  const S = ['type', 'name', 'label', 'constraint', 'indicator', 'outcome'];
  const W = { indicator: 'work', outcome: 'enough_income' };
  const LANGS = ['nl', 'en', 'ar', 'ti', 'fa'].map((l) => ({ list_name: 'langs', name: l, label: l.toUpperCase() }));
  const importForm = async (name: string, rows: Array<Record<string, string>>) => {
    const file = join(ws.dir, `${name}.xlsx`);
    await writeXlsForm(file, { survey: { headers: S, rows }, choices: { headers: ['list_name', 'name', 'label'], rows: LANGS } });
    const out = join(ws.dir, `${name}.yaml`);
    const r = await stemmen(['survey', 'import-xlsform', file, '--out', out], { LOCALES_DIR: ws.locales });
    return { r, out };
  };

  it('imports ". >= -5", lists "div" and count-selected() of another question as not supported, and maps count-selected(.) onto the selection bounds', async () => {
    const { r, out } = await importForm('bounds', [
      { type: 'integer', name: 'temperature', label: 'Coldest day?', constraint: '. >= -5 and . <= 40', ...W },
      { type: 'integer', name: 'even', label: 'An even number?', constraint: '. div 2 = 0', ...W },
      {
        type: 'select_multiple langs',
        name: 'spoken',
        label: 'Which languages?',
        constraint: 'count-selected(.) >= 2 and count-selected(${spoken}) <= 3',
        ...W,
      },
      { type: 'select_multiple langs', name: 'two', label: 'Pick two', constraint: 'count-selected(.) = 2', ...W },
      { type: 'select_multiple langs', name: 'fewer', label: 'At most four', constraint: '4 > count-selected(.)', ...W },
      { type: 'select_multiple langs', name: 'unbound', label: 'Any', constraint: 'count-selected(.) <= 9', ...W },
      { type: 'select_multiple langs', name: 'other', label: 'Other?', constraint: 'count-selected(${spoken}) > 1', ...W },
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('survey row 3 (constraint): ". div 2 = 0" is not imported: arithmetic (+ - * div mod) is not supported');
    expect(r.stdout).toContain('survey row 8 (constraint): "count-selected(${spoken}) > 1" is not imported: count-selected() of another question');
    const spec = parse(readFileSync(out, 'utf8')) as { questions: Array<Record<string, unknown>> };
    const byId = Object.fromEntries(spec.questions.map((q) => [q.id, q]));
    expect(byId.temperature).toMatchObject({ type: 'number', min: -5, max: 40 });
    expect(byId.even).not.toHaveProperty('min');
    expect(byId.spoken).toMatchObject({ type: 'multi', minSelected: 2, maxSelected: 3 });
    expect(byId.two).toMatchObject({ minSelected: 2, maxSelected: 2 });
    expect(byId.fewer).toMatchObject({ maxSelected: 3 });
    expect(byId.fewer).not.toHaveProperty('minSelected');
    // At most 9 of 5 choices limits nothing.
    expect(byId.unbound).not.toHaveProperty('maxSelected');
  });

  it('stops on bounds no answer can meet, naming the row', async () => {
    const { r, out } = await importForm('impossible', [
      { type: 'select_multiple langs', name: 'none', label: 'None?', constraint: 'count-selected(.) < 1', ...W },
      { type: 'select_multiple langs', name: 'many', label: 'Many?', constraint: 'count-selected(.) >= 6', ...W },
    ]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('survey row 2 (constraint): "count-selected(.) < 1" allows no answer: fewer than one choice; fix the bounds');
    expect(r.stderr).toContain(
      'survey row 3 (constraint): "count-selected(.) >= 6" allows no answer: at least 6 and at most 5 of the 5 choices; fix the bounds',
    );
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });
});
