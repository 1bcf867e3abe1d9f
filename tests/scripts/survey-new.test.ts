import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLocales } from '../../bot/i18n.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { assembleSurvey } from '../../surveys/bank/assemble.ts';
import { INDICATORS } from '../../surveys/indicators.ts';
import { ROOT } from '../helpers/app.ts';
import { stemmen, tempWorkspace } from '../helpers/cli.ts';

const BANK = join(ROOT, 'surveys/bank/bank.yaml');
const bankRaw = parse(readFileSync(BANK, 'utf8')) as unknown;
const WORKSHOP = 'work,health,housing,bridges,links,language,safety,stability';

let ws: ReturnType<typeof tempWorkspace>;
beforeAll(() => {
  ws = tempWorkspace('bank');
});
afterAll(() => rmSync(ws.dir, { recursive: true, force: true }));

describe('question bank', () => {
  it('has an optional background set, each choice list with "prefer not to say", in every bank language', () => {
    const locales = readLocales(join(ROOT, 'locales'));
    const { survey } = loadSurveyFile(BANK, locales, { maxMinutes: Infinity });
    expect(survey.background).toEqual(['age_band', 'gender', 'origin_country', 'residence_status', 'months_in_nl', 'municipality', 'household']);
    for (const id of survey.background) {
      const q = survey.byId.get(id)!;
      expect(q).toMatchObject({ role: 'background', indicator: null, outcome: null, traffic: null, required: false });
      if (q.type === 'single') expect(q.choices.at(-1)).toEqual({ id: 'prefer_not_to_say', textKey: 'prefer_not_to_say' });
    }
    const status = survey.byId.get('residence_status');
    expect(status?.type === 'single' && status.choices.map((c) => c.id)).toEqual([
      'asylum_procedure',
      'asylum_permit',
      'temporary_protection',
      'family_reunification',
      'other',
      'prefer_not_to_say',
    ]);
    expect((locales.resources.ti!.bank as { prefer_not_to_say: string }).prefer_not_to_say).toMatch(/[\u1200-\u137F]/);
  });

  it('is a valid survey with every text in all 14 languages and a question for every outcome', () => {
    const { survey } = loadSurveyFile(BANK, readLocales(join(ROOT, 'locales')), { maxMinutes: Infinity });
    expect(survey.languages).toEqual(['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr', 'prs', 'ps', 'ckb', 'kmr', 'ru', 'pl']);
    const covered = new Set(survey.questions.map((q) => `${q.indicator}.${q.outcome}`));
    const missing = INDICATORS.flatMap((i) => i.outcomes.map((o) => `${i.id}.${o}`)).filter((k) => !covered.has(k));
    expect(missing).toEqual([]);
    // scale + "why" pattern, plus choice and open questions
    expect(new Set(survey.questions.map((q) => q.type))).toEqual(new Set(['scale', 'text', 'yesno', 'single', 'multi']));
  });

  it('assembles core questions in the order the indicators are listed, follow-ups included', () => {
    const r = assembleSurvey(bankRaw, { id: 'x', indicators: ['safety', 'work'], languages: ['nl'], all: false });
    if (!r.ok) throw new Error(r.message);
    const qs = r.spec.questions as Array<{ id: string; indicator: string; followUps?: Array<{ id: string }> }>;
    expect(qs.map((q) => q.indicator)).toEqual(['safety', 'work']);
    expect(qs[0]!.followUps?.map((f) => f.id)).toEqual(['safety_neighbourhood_why']);
    expect(r.questionCount).toBe(4);
    expect(r.textKeys).toEqual(expect.arrayContaining(['intro', 'consent', 'completion', 'q.safety_neighbourhood', 'why', 'scale.low']));
  });

  it('takes every question of an indicator with all', () => {
    const r = assembleSurvey(bankRaw, { id: 'x', indicators: ['rights'], languages: ['nl'], all: true });
    if (!r.ok) throw new Error(r.message);
    expect((r.spec.questions as unknown[]).length).toBe(4);
  });

  it('names a mistyped indicator and suggests the right one', () => {
    expect(assembleSurvey(bankRaw, { id: 'x', indicators: ['work', 'helth'], languages: ['nl'], all: false })).toEqual({
      ok: false,
      message: '--indicators: "helth" is not an indicator; did you mean "health"?',
    });
    expect(assembleSurvey(bankRaw, { id: 'Bad Id', indicators: ['work'], languages: ['nl'], all: false }).ok).toBe(false);
  });
});

describe('stemmen survey new', () => {
  it('writes the workshop subset as a survey that passes survey validate, in the chosen languages', async () => {
    const out = join(ws.dir, 'surveys/pilot-utrecht.yaml');
    const env = { LOCALES_DIR: ws.locales };
    const r = await stemmen(['survey', 'new', '--indicators', WORKSHOP, '--languages', 'nl,ar,ti,uk', '--out', out], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/ok .*pilot-utrecht\.yaml: 16 questions, 4 languages, about 6\.7 minutes/);
    expect(r.stdout).not.toMatch(/warning/);
    const spec = parse(readFileSync(out, 'utf8')) as { id: string; languages: string[]; defaultLanguage: string };
    expect(spec).toMatchObject({ id: 'pilot-utrecht', languages: ['nl', 'ar', 'ti', 'uk'], defaultLanguage: 'nl' });
    // The texts live beside the survey file, not in the project's locales.
    const own = join(ws.dir, 'surveys/locales');
    expect(existsSync(join(ws.locales, 'ti/survey-pilot-utrecht.json'))).toBe(false);
    const ti = JSON.parse(readFileSync(join(own, 'ti/survey-pilot-utrecht.json'), 'utf8')) as { q: Record<string, { text: string }> };
    expect(ti.q.work_skills_used!.text).toMatch(/[\u1200-\u137F]/);
    const review = JSON.parse(readFileSync(join(own, 'review.json'), 'utf8')) as Record<string, Record<string, { status: string }>>;
    expect(review.ti!['survey-pilot-utrecht']).toEqual({ status: 'machine-draft' });
    expect(review.en!['survey-pilot-utrecht']).toEqual({ status: 'reviewed' });

    const v = await stemmen(['survey', 'validate', out], env);
    expect(v.code).toBe(0);
    expect((await stemmen(['check', 'locales'], env)).code).toBe(0);
  });

  it('adds the background set at the end with --background and lists it; without it there is none', async () => {
    const out = join(ws.dir, 'bg/with-background.yaml');
    const r = await stemmen(['survey', 'new', '--indicators', 'work,housing', '--languages', 'ar,en', '--out', out, '--background'], {
      LOCALES_DIR: ws.locales,
    });
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain(
      'background questions (optional, asked at the end): age_band, gender, origin_country, residence_status, months_in_nl, municipality, household',
    );
    const spec = parse(readFileSync(out, 'utf8')) as { questions: Array<{ id: string; role?: string }> };
    expect(spec.questions.map((q) => q.id)).toEqual([
      'work_skills_used',
      'housing_suitable',
      'age_band',
      'gender',
      'origin_country',
      'residence_status',
      'months_in_nl',
      'municipality',
      'household',
    ]);
    const ar = JSON.parse(readFileSync(join(ws.dir, 'bg/locales/ar/survey-with-background.json'), 'utf8')) as {
      prefer_not_to_say: string;
      q: Record<string, { text: string }>;
    };
    expect(ar.prefer_not_to_say).toMatch(/[\u0600-\u06FF]/);
    expect(ar.q.residence_status!.text).toMatch(/[\u0600-\u06FF]/);
    const v = await stemmen(['survey', 'validate', out], { LOCALES_DIR: ws.locales });
    expect(v.stdout).toMatch(/11 questions \(2 follow-ups, 7 background \(age_band, gender/);

    const plain = join(ws.dir, 'bg/without.yaml');
    await stemmen(['survey', 'new', '--indicators', 'work', '--languages', 'en', '--out', plain], { LOCALES_DIR: ws.locales });
    expect((parse(readFileSync(plain, 'utf8')) as { questions: unknown[] }).questions).toHaveLength(1);
  });

  it('warns when every question of the subset would take more than 10 minutes', async () => {
    const out = join(ws.dir, 'big.yaml');
    const r = await stemmen(['survey', 'new', '--indicators', WORKSHOP, '--languages', 'nl', '--out', out, '--all'], { LOCALES_DIR: ws.locales });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /big\.yaml:\d+:\d+ warning: questions: estimated completion time is 15 minutes \(36 questions × 25 s\), above the 10-minute limit; drop about 12 questions/,
    );
  });

  it('refuses bad input with a message naming the option and the fix, exit 1', async () => {
    const env = { LOCALES_DIR: ws.locales };
    const bad = await stemmen(['survey', 'new', '--indicators', 'work', '--languages', 'nl,xx', '--out', join(ws.dir, 'x.yaml')], env);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(
      /^--languages: the question bank has no texts in "xx" \(it has en, nl, ar, fa, uk, ti, so, tr, prs, ps, ckb, kmr, ru, pl\); add locales\/xx\/bank\.json/,
    );
    expect(existsSync(join(ws.dir, 'x.yaml'))).toBe(false);
    const again = await stemmen(['survey', 'new', '--indicators', 'work', '--languages', 'nl', '--out', join(ws.dir, 'surveys/pilot-utrecht.yaml')], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/pilot-utrecht\.yaml already exists; choose another --out\/--id or pass --force/);
    expect(again.stderr).not.toMatch(/\n\s+at /);
  });
});
