import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatIssue, loadSurvey, type LoadEnv } from '../../surveys/spec/load.ts';
import { migrateSpec } from '../../surveys/spec/migrations.ts';

const root = join(import.meta.dirname, '../..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

/** A `hasText` backed by one locale JSON file (nested objects, dotted keys). */
function textsFrom(json: unknown): (key: string) => boolean {
  return (key) => {
    let cur: unknown = json;
    for (const part of key.split('.')) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[part] : undefined;
    return typeof cur === 'string';
  };
}

describe('loadSurvey: the default pilot', () => {
  const file = 'surveys/definitions/default-pilot.yaml';
  const en = textsFrom(JSON.parse(read('locales/en/survey-default-pilot.json')));

  it('loads without errors or warnings, checking every English text', () => {
    const asked: string[] = [];
    // Only English texts exist in this repository; other languages answer "present".
    const hasText = (lng: string, ns: string, key: string) => {
      expect(ns).toBe('survey-default-pilot');
      if (lng !== 'en') return true;
      asked.push(key);
      return en(key);
    };
    const r = loadSurvey(read(file), file, { hasText, fileExists: () => true });
    if (!r.ok) expect.fail(r.issues.map(formatIssue).join('\n'));
    expect(r.warnings).toEqual([]);
    expect(r.survey.id).toBe('default-pilot');
    expect(r.survey.questions).toHaveLength(26);
    expect(r.estimatedMinutes).toBe(9.5); // 26 questions × 22 s
    expect(asked).toContain('q.work_fair.min');
    expect(asked).toContain('q.education_access.choices.want_but_cannot');
    expect(asked).toEqual(expect.arrayContaining(['intro', 'consent', 'completion']));
    expect(asked.some((k) => k.startsWith('bot:'))).toBe(false); // yes/no buttons are bot texts
  });

  it('reports a language that has no texts at all once, not once per key', () => {
    const r = loadSurvey(read(file), file, { hasText: (lng, _ns, key) => (lng === 'en' ? en(key) : lng !== 'ti') });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.issues.map(formatIssue)).toEqual([
      `${file}:10:33 languages[5]: no texts for "ti": none of the 70 keys this survey uses is in locales/ti/survey-default-pilot.json; add the translations or remove "ti" from languages`,
    ]);
  });
});

describe('migrateSpec', () => {
  it('migrates the v1 example to the expected v2 object (golden)', () => {
    const raw: unknown = parse(read('tests/fixtures/surveys/v1-example.yaml'));
    const before = structuredClone(raw);
    const r = migrateSpec(raw);
    expect(r).toEqual({ ok: true, from: 1, value: JSON.parse(read('tests/fixtures/surveys/v1-example.expected.json')) });
    expect(raw).toEqual(before); // pure: the input is not touched
  });

  it('the migrated v1 example loads', () => {
    const r = loadSurvey(read('tests/fixtures/surveys/v1-example.yaml'), 'v1-example.yaml', {});
    if (!r.ok) expect.fail(r.issues.map(formatIssue).join('\n'));
    expect(r.survey.questions.map((q) => `${q.id}:${q.type}:${q.parent ?? ''}`)).toEqual([
      'work_has_paid_work:yesno:',
      'work_kind:single:work_has_paid_work',
      'work_kind_why:text:work_kind',
      'leisure_activities:multi:',
      'work_fair:scale:',
      'closing_note:note:',
    ]);
  });

  it('leaves a current spec as it is', () => {
    const spec = { specVersion: 2, id: 'x', questions: [{ id: 'a', type: 'single', followUps: [] }] };
    expect(migrateSpec(spec)).toEqual({ ok: true, from: 2, value: spec });
  });

  it('refuses a missing, malformed or future specVersion', () => {
    expect(migrateSpec({ id: 'x' })).toEqual({ ok: false, path: [], message: '"specVersion" is missing; add "specVersion: 2" at the top of the file' });
    expect(migrateSpec({ specVersion: '2' })).toMatchObject({ ok: false, path: ['specVersion'] });
    expect(migrateSpec({ specVersion: 0 })).toMatchObject({ ok: false, path: ['specVersion'] });
    const future = migrateSpec({ specVersion: 3 });
    expect(future).toMatchObject({ ok: false, path: ['specVersion'] });
    expect(!future.ok && future.message).toContain('needs a newer stemmen');
    expect(migrateSpec(null)).toMatchObject({ ok: false, path: [] });
    expect(migrateSpec(['a'])).toMatchObject({ ok: false, path: [] });
  });
});

describe('loadSurvey: broken surveys', () => {
  const dirRel = 'tests/fixtures/surveys/broken';
  const dir = join(root, dirRel);
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  /**
   * The world the broken fixtures live in: every text exists except the Dutch
   * `q.work_fair.max`, and of the prompt files only those under media/prompts/en/ exist.
   */
  const env: LoadEnv = {
    hasText: (lng, _ns, key) => !(lng === 'nl' && key === 'q.work_fair.max'),
    fileExists: (p) => p.startsWith('media/prompts/en/'),
  };

  it('has at least 18 fixtures, each named NN-short-name.yaml', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(18);
    for (const f of fixtures) expect(f).toMatch(/^\d{2}-[a-z0-9-]+\.yaml$/);
  });

  it('has no expected output without its fixture', () => {
    const orphans = readdirSync(dir).filter((f) => f.endsWith('.expected.txt') && !fixtures.includes(f.replace(/\.expected\.txt$/, '.yaml')));
    expect(orphans).toEqual([]);
  });

  for (const f of fixtures) {
    it(f, () => {
      const file = `${dirRel}/${f}`;
      const expectedFile = join(dir, f.replace(/\.yaml$/, '.expected.txt'));
      const r = loadSurvey(readFileSync(join(dir, f), 'utf8'), file, env);
      if (r.ok) expect.fail(`${f} loaded without errors; a broken fixture must fail`);
      const lines = r.issues.map(formatIssue);
      // UPDATE_SPEC_FIXTURES=1 writes the expected output; review every line before committing.
      if (process.env.UPDATE_SPEC_FIXTURES === '1') writeFileSync(expectedFile, `${lines.join('\n')}\n`);
      if (!existsSync(expectedFile)) expect.fail(`missing ${expectedFile}: write the exact issue lines this fixture must produce`);
      expect(lines).toEqual(readFileSync(expectedFile, 'utf8').trimEnd().split('\n'));
    });
  }

  it('skips text and file checks when the environment does not provide them', () => {
    for (const f of ['17-missing-text-key.yaml', '18-prompt-file-missing.yaml']) {
      const r = loadSurvey(readFileSync(join(dir, f), 'utf8'), f, {});
      expect(r.ok).toBe(true);
    }
  });

  it('never throws, whatever the text', () => {
    const inputs = [
      '',
      '   \n',
      '[',
      '{{',
      'null',
      '- a\n- b',
      'specVersion: 2',
      '\u0000',
      'a: &x [*x]',
      'questions: !!binary x',
      'specVersion: 2\nquestions: [{ type: [] }]',
    ];
    for (const text of inputs) {
      const r = loadSurvey(text, 'x.yaml', {});
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.issues.length).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.line).toBeGreaterThanOrEqual(1);
        expect(i.message).not.toMatch(/internal error|\n\s+at /);
      }
    }
  });
});

describe('loadSurvey: length estimate', () => {
  const survey = (n: number) =>
    [
      'specVersion: 2',
      'id: long-survey',
      'version: 1',
      'languages: [en]',
      'defaultLanguage: en',
      'consent: { version: 1 }',
      'questions:',
      ...Array.from({ length: n }, (_, i) => `  - { id: q${i + 1}, type: scale, indicator: work, outcome: enough_income }`),
      '  - { id: thanks, type: note }',
    ].join('\n');

  it('warns, without failing, when 40 questions take longer than 10 minutes', () => {
    const r = loadSurvey(survey(40), 'long.yaml', {});
    if (!r.ok) expect.fail(r.issues.map(formatIssue).join('\n'));
    expect(r.estimatedMinutes).toBe(16.7); // 40 × 25 s; the note does not count
    expect(r.warnings.map(formatIssue)).toEqual([
      'long.yaml:7:1 warning: questions: estimated completion time is 16.7 minutes (40 questions × 25 s), above the 10-minute limit; drop about 16 questions to stay within it',
    ]);
  });

  it('stays quiet under the limit, and the limit can be raised', () => {
    const short = loadSurvey(survey(24), 'short.yaml', {});
    expect(short.ok && short.warnings).toEqual([]);
    const raised = loadSurvey(survey(40), 'long.yaml', { maxMinutes: 20 });
    expect(raised.ok && raised.warnings).toEqual([]);
  });
});

describe('formatIssue', () => {
  const base = { file: 'a.yaml', line: 3, column: 5, path: 'questions[0].id', message: 'bad', severity: 'error' as const };
  it('prints file:line:column path: message', () => {
    expect(formatIssue(base)).toBe('a.yaml:3:5 questions[0].id: bad');
    expect(formatIssue({ ...base, path: '' })).toBe('a.yaml:3:5 bad');
    expect(formatIssue({ ...base, severity: 'warning' })).toBe('a.yaml:3:5 warning: questions[0].id: bad');
  });
});
