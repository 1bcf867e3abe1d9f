/**
 * `stemmen prompts record-list` and `stemmen prompts import`, run as a researcher would, on
 * recordings generated with ffmpeg: every text of the spoken path is listed per language, and
 * an import reports a missing recording by key and language and a bad one with its reason.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { readLocales } from '../../bot/i18n.ts';
import { ROOT } from '../helpers/app.ts';
import { stemmen } from '../helpers/cli.ts';

let dir: string;
const SURVEY = [
  '# A small survey for the recording tests.',
  'specVersion: 2',
  'id: spoken',
  'version: 1',
  'namespace: survey-default-pilot',
  'languages: [en, prs, ps]',
  'defaultLanguage: en',
  'consent: { version: 1 }',
  'questions:',
  '  - { id: arrival_year, type: date, indicator: stability, outcome: secure_residence_status }',
  '  - id: work_has_paid_work',
  '    type: yesno',
  '    indicator: work',
  '    outcome: paid_work_matching_skills',
  '',
].join('\n');
const KEYS = [
  'prompts.language',
  'prompts.form',
  'prompts.intro',
  'prompts.consent',
  'prompts.recontact',
  'prompts.expertpool',
  'prompts.completion',
  'q.arrival_year',
  'q.work_has_paid_work',
];

/** A real recording: a tone of `seconds`, encoded with `codec`. */
function tone(file: string, seconds: number, codec = 'libopus'): void {
  mkdirSync(join(file, '..'), { recursive: true });
  execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=frequency=330:duration=${seconds}`, '-c:a', codec, '-f', 'ogg', '-y', file]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stemmen-prompts-'));
  writeFileSync(join(dir, 'spoken.yaml'), SURVEY);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('stemmen prompts', () => {
  it('record-list writes every text to record per language, with key, text and file name (CSV and Markdown)', async () => {
    const r = await stemmen(['prompts', 'record-list', '--survey', join(dir, 'spoken.yaml'), '--languages', 'prs,ps', '--out', join(dir, 'sheet')]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const csv = readFileSync(join(dir, 'sheet/record-list.csv'), 'utf8');
    const files = [...csv.matchAll(/^([\w.]+),(prs|ps),([\w./]+),/gm)].map((m) => `${m[2]} ${m[1]} ${m[3]}`);
    expect(files).toEqual([...KEYS.map((k) => `prs ${k} prs/${k}.ogg`), ...KEYS.map((k) => `ps ${k} ps/${k}.ogg`)]);
    // The consent text as the respondent reads it, in Pashto, with its numbered buttons.
    expect(csv).toContain('غواړئ ګډون وکړئ؟\n1. هو، زه ګډون کوم\n2. نه، مننه');
    const md = readFileSync(join(dir, 'sheet/record-list.md'), 'utf8');
    expect(md).toContain('### prompts.consent → `prs/prompts.consent.ogg`');
    expect(md).toContain('<div dir="rtl" lang="ps">');
  });

  it('import reports a missing recording by key and language and a bad one with its reason, exit 1', async () => {
    const rec = join(dir, 'rec');
    for (const k of KEYS) if (k !== 'q.arrival_year') tone(join(rec, 'prs', `${k}.ogg`), 1.5);
    tone(join(rec, 'prs', 'prompts.consent.ogg'), 1.5, 'flac'); // the wrong codec
    tone(join(rec, 'prs', 'q.arival_year.ogg'), 1); // a typo in the name
    const r = await stemmen(['prompts', 'import', rec, '--survey', join(dir, 'spoken.yaml'), '--languages', 'prs', '--write']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`missing: prs q.arrival_year: no prs/q.arrival_year.ogg in ${rec}; record it (see record-list) and save it under that name`);
    expect(r.stderr).toMatch(/^bad: prs prompts\.consent: .*prs\/prompts\.consent\.ogg is flac, not opus; convert it: ffmpeg -i IN -c:a libopus/m);
    expect(r.stderr.trim().split('\n')).toHaveLength(2);
    expect(r.stdout).toContain('q.arival_year.ogg: no text is recorded under this name');
    expect(r.stdout).toContain('7 of 9 recordings fit; 1 missing, 1 bad');
    expect(r.stdout).not.toContain('stack');
    // With errors nothing is written into the survey.
    expect(readFileSync(join(dir, 'spoken.yaml'), 'utf8')).toBe(SURVEY);
  });

  it('import with every recording in order writes the prompt map into the survey, which then loads with them', async () => {
    const rec = join(dir, 'rec-ok');
    for (const k of KEYS) tone(join(rec, 'prs', `${k}.ogg`), 1.2);
    const r = await stemmen(['prompts', 'import', rec, '--survey', join(dir, 'spoken.yaml'), '--languages', 'prs', '--write']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const yaml = readFileSync(join(dir, 'spoken.yaml'), 'utf8');
    expect(yaml).toContain('# A small survey for the recording tests.');
    const { survey } = loadSurveyFile(join(dir, 'spoken.yaml'), readLocales(join(ROOT, 'locales')));
    expect(survey.spoken.consent?.audio).toEqual({ prs: 'rec-ok/prs/prompts.consent.ogg' });
    expect(survey.byId.get('arrival_year')?.prompts.audio).toEqual({ prs: 'rec-ok/prs/q.arrival_year.ogg' });
    expect(survey.formsByLanguage).toEqual({ en: ['text'], prs: ['text', 'audio'], ps: ['text'] });
  });

  it('refuses a folder that is not there and a language the survey lacks, naming the fix', async () => {
    const none = await stemmen(['prompts', 'import', join(dir, 'nope'), '--survey', join(dir, 'spoken.yaml')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/nope: not a folder; give the folder of recordings/);
    const lang = await stemmen(['prompts', 'record-list', '--survey', join(dir, 'spoken.yaml'), '--languages', 'xx']);
    expect(lang.code).toBe(1);
    expect(lang.stderr).toMatch(/^--languages: xx not in .*spoken\.yaml \(it has en, prs, ps\)/);
  });
});
