/**
 * Model-based test of the pure engine: fast-check generates sequences of any inputs (taps on
 * the buttons shown, forged button data, unicode text, commands, media, stickers) and checks
 * the engine against a small model of what must always hold.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createI18n, hasOwnText, readLocales } from '../../bot/i18n.ts';
import { Renderer } from '../../bot/conversation/render.ts';
import { foldTurn } from '../../bot/conversation/turn.ts';
import { loadSurveyFile } from '../../bot/conversation/survey-files.ts';
import { advance, currentPrompt, start } from '../../surveys/engine/engine.ts';
import {
  COMMANDS,
  type AnswerEffect,
  type EngineContext,
  type EngineInput,
  type Message,
  type SessionState,
  type Step,
  type Text,
} from '../../surveys/engine/types.ts';
import { choicesOf, type Survey } from '../../surveys/model.ts';
import { ROOT } from '../helpers/app.ts';

const bundle = readLocales(join(ROOT, 'locales'));
const i18n = createI18n(bundle);
const renderer = new Renderer(i18n);
const survey = loadSurveyFile(join(ROOT, 'surveys/definitions/default-pilot.yaml'), bundle).survey;

/** The engine as the inbound handler drives it: a new session after an erasure or a decline. */
interface Real {
  state: SessionState | null;
  clock: number;
  ids: number;
}
/** What must hold regardless of the path taken: the answers a store would keep. */
interface Model {
  answers: Map<string, AnswerEffect>;
  erasures: number;
}

function ctx(real: Real): EngineContext {
  real.clock += 61_000;
  const base = real.ids;
  let n = 0;
  return { now: new Date(Date.parse('2026-03-01T08:00:00.000Z') + real.clock).toISOString(), newId: () => `id-${base}-${++n}`, messageId: `m-${base}` };
}

/** Every Text key (and nested params) in a message. */
function texts(m: Message): Text[] {
  const out: Text[] = [];
  const walk = (p: unknown): void => {
    if (!p || typeof p !== 'object') return;
    if (Array.isArray(p)) return p.forEach(walk);
    if ('ns' in p && 'key' in p) {
      out.push(p as Text);
      for (const v of Object.values((p as Text).params ?? {})) walk(v);
    }
  };
  m.parts.forEach(walk);
  (m.buttons ?? []).flat().forEach((b) => walk(b.label));
  return out;
}

/** Renders a message in every survey language; fails on a key missing from a language's own file. */
function checkRenders(m: Message): void {
  for (const lng of survey.languages) {
    for (const t of texts(m)) {
      const ns = t.ns === 'survey' ? survey.namespace : t.ns;
      const has = hasOwnText(bundle, lng, ns, t.key) || hasOwnText(bundle, lng, ns, `${t.key}_other`);
      expect(has, `${lng}/${ns}.json lacks "${t.key}"`).toBe(true);
    }
    const r = renderer.render(m, lng, survey.namespace);
    expect(r.text.trim().length, `empty text in ${lng}`).toBeGreaterThan(0);
    for (const b of (r.buttons ?? []).flat()) expect(b.label.trim().length).toBeGreaterThan(0);
  }
}

/** The answer holds a value of the type its question asks for, within the question's limits. */
function checkAnswer(s: Survey, a: AnswerEffect): void {
  const q = s.byId.get(a.questionId);
  expect(q, `answer to unknown question ${a.questionId}`).toBeDefined();
  expect(a.questionType).toBe(q!.type);
  expect(a.indicator).toBe(q!.indicator);
  expect(a.parentQuestionId).toBe(q!.parent);
  expect(s.languages).toContain(a.language);
  expect(a.consentVersion).toBe(s.consent.version);
  const v = a.value;
  if (v.kind === 'skipped') {
    expect(q!.required).toBe(false);
    return;
  }
  const ids = choicesOf(q!).map((c) => c.id);
  switch (q!.type) {
    case 'scale':
    case 'number':
      if (v.kind !== 'number') return void expect.fail(`a ${q!.type} answer holds ${v.kind}`);
      expect(Number.isFinite(v.number)).toBe(true);
      if (q!.min !== null) expect(v.number).toBeGreaterThanOrEqual(q!.min);
      if (q!.max !== null) expect(v.number).toBeLessThanOrEqual(q!.max);
      break;
    case 'single':
    case 'yesno':
      if (v.kind !== 'choices') return void expect.fail(`a ${q!.type} answer holds ${v.kind}`);
      expect(v.choices).toHaveLength(1);
      expect(ids).toContain(v.choices[0]);
      break;
    case 'multi':
      if (v.kind !== 'choices') return void expect.fail(`a multi answer holds ${v.kind}`);
      expect(new Set(v.choices).size).toBe(v.choices.length);
      for (const c of v.choices) expect(ids).toContain(c);
      expect(v.choices.length).toBeGreaterThanOrEqual(Math.max(1, q!.minSelected));
      if (q!.maxSelected !== null) expect(v.choices.length).toBeLessThanOrEqual(q!.maxSelected);
      break;
    case 'date':
      if (v.kind !== 'date') return void expect.fail(`a date answer holds ${v.kind}`);
      expect(v.date).toMatch(/^\d{4}(-\d{2}(-\d{2})?)?$/);
      break;
    case 'text':
    case 'media':
      // Typed text within the limit, or a recording where the question accepts one.
      if (v.kind === 'media') {
        expect(q!.type === 'media' || q!.acceptMedia).toBe(true);
        expect(q!.accept).toContain(v.media.kind);
      } else {
        if (v.kind !== 'text') return void expect.fail(`a ${q!.type} answer holds ${v.kind}`);
        expect(v.text.length).toBeLessThanOrEqual(q!.maxLength);
      }
      break;
    case 'note':
      expect.fail('a note is never answered');
  }
}

/** What the runs reached, to show the generated sequences get deep into the survey. */
const reached = { types: new Set<string>(), phases: new Set<string>() };

/** Feeds one input; checks the step against the model and the invariants; applies its effects. */
function step(model: Model, real: Real, input: EngineInput | ((s: SessionState) => EngineInput)): void {
  real.ids++;
  if (!real.state) {
    const first = start(survey, { languageHint: null }, ctx(real));
    first.effects.forEach((e) => e.type === 'send' && checkRenders(e.message));
    real.state = first.state;
    return;
  }
  const prior = real.state;
  const concrete = typeof input === 'function' ? input(prior) : input;
  const c = ctx(real);
  const stepped: Step = advance(survey, prior, concrete, c);

  // The state is plain JSON: a stored and reloaded state behaves exactly the same.
  const reloaded = JSON.parse(JSON.stringify(prior)) as SessionState;
  expect(reloaded).toEqual(prior);
  let n = 0;
  const again = advance(survey, reloaded, concrete, { ...c, newId: () => `id-${real.ids}-${++n}` });
  expect(JSON.parse(JSON.stringify(again))).toEqual(JSON.parse(JSON.stringify(stepped)));

  const answers = stepped.effects.flatMap((e) => (e.type === 'answer' ? [e.answer] : []));
  const isStart = concrete.kind === 'command' && concrete.command === 'start';
  if (prior.phase === 'stopped' && !isStart) expect(answers, 'an answer after STOP').toEqual([]);
  if (prior.phase === 'declined' || prior.phase === 'completed') expect(answers).toEqual([]);
  expect(
    stepped.effects.some((e) => e.type === 'send'),
    `no reply to ${JSON.stringify(concrete)} in ${prior.phase}`,
  ).toBe(true);
  // One input, one message: the replies fold into a single turn (the default pilot has no recorded prompts).
  const lng = stepped.state.language ?? stepped.state.languageHint ?? survey.defaultLanguage;
  const turn = foldTurn(
    stepped.effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])),
    lng,
  );
  expect(turn.length, `${turn.length} messages for ${JSON.stringify(concrete)} in ${prior.phase}`).toBe(1);

  for (const e of stepped.effects) {
    switch (e.type) {
      case 'send':
        checkRenders(e.message);
        break;
      case 'answer':
        checkAnswer(survey, e.answer);
        reached.types.add(e.answer.value.kind === 'skipped' ? 'skipped' : e.answer.questionType);
        model.answers.set(e.answer.questionId, e.answer);
        break;
      case 'erase':
        expect(prior.phase).toBe('erase_confirm');
        model.answers.clear();
        model.erasures++;
        break;
      case 'declined':
        model.answers.clear();
        break;
      case 'consent':
        break;
      case 'issue':
        expect(
          stepped.effects.some((x) => x.type === 'send'),
          'an issue without a reply',
        ).toBe(true);
        break;
    }
  }
  reached.phases.add(stepped.state.phase);
  expect(model.answers.size).toBeLessThanOrEqual(survey.questions.length);
  expect(stepped.state.answeredCount).toBeLessThanOrEqual(survey.questions.length);
  const gone = stepped.effects.some((e) => e.type === 'erase' || e.type === 'declined');
  real.state = gone ? null : stepped.state;
}

type Cmd = fc.Command<Model, Real>;
const cmd = (name: string, input: EngineInput | ((s: SessionState) => EngineInput)): Cmd => ({
  check: () => true,
  run: (m, r) => step(m, r, input),
  toString: () => name,
});

/** Button data as the engine writes it, with forged values; and shapes it never writes. */
const qids = survey.questions.map((q) => q.id);
const buttonData = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('a', 'm', 'skip', 'md'),
      fc.constantFrom(...qids, 'nope'),
      fc.oneof(fc.integer({ min: -3, max: 12 }).map(String), fc.constantFrom('yes', 'no', 'other', '')),
    )
    .map(([p, q, v]) => (p === 'skip' || p === 'md' ? `${p}:${q}` : `${p}:${q}:${v}`)),
  fc.constantFrom(
    'consent:yes',
    'consent:no',
    'erase:yes',
    'erase:no',
    'thd',
    'th:work',
    'th:nope',
    'form:audio',
    'form:text',
    'lang:ar',
    'lang:xx',
    'rc:yes',
    'ep:no',
    ...survey.languages.map((l) => `lang:${l}`),
  ),
  fc.string({ maxLength: 70 }),
);
const typed = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer({ min: -5, max: 2100 }).map(String),
  fc.constantFrom('2019', '١٤', '۳', 'ja', 'نعم', 'так', 'stop', '1, 3', '\u200f\u200b', '🙂', ' '),
  fc.string({ minLength: 1000, maxLength: 5000 }),
);
const mediaKind = fc.constantFrom('voice', 'audio', 'video', 'video_note', 'image', 'document') as fc.Arbitrary<'voice'>;

/** A respondent who means to finish: a valid answer for whatever is shown. */
function forward(s: SessionState): EngineInput {
  const shown = (currentPrompt(survey, s).buttons ?? [])
    .flat()
    .map((b) => b.data)
    .filter((d) => !d.startsWith('skip:'));
  if (shown.length === 0) return { kind: 'text', text: s.current && survey.byId.get(s.current)?.type === 'date' ? '2019' : 'Het gaat goed' };
  const done = shown.find((d) => d.startsWith('md:') || d === 'thd');
  if (done && (s.multiDraft?.length || s.themeDraft?.length)) return { kind: 'button', data: done };
  return { kind: 'button', data: shown.find((d) => d.endsWith(':yes')) ?? shown[0]! };
}

const commands: Array<fc.Arbitrary<Cmd>> = [
  fc.constant(cmd('forward', forward)),
  fc.integer({ min: 2, max: 40 }).map(
    (n): Cmd => ({
      check: () => true,
      run: (m, r) => {
        for (let i = 0; i < n; i++) step(m, r, forward);
      },
      toString: () => `forward x${n}`,
    }),
  ),
  // A tap on a button of the prompt on screen: moves the survey forward.
  fc.nat().map((i) =>
    cmd(`tap shown #${i}`, (s) => {
      const shown = (currentPrompt(survey, s).buttons ?? []).flat();
      return shown.length ? { kind: 'button', data: shown[i % shown.length]!.data } : { kind: 'text', text: '2019' };
    }),
  ),
  fc.nat().map((i) =>
    cmd(`tap shown #${i}`, (s) => {
      const shown = (currentPrompt(survey, s).buttons ?? []).flat().filter((b) => !b.data.startsWith('skip:'));
      return shown.length ? { kind: 'button', data: shown[i % shown.length]!.data } : { kind: 'text', text: '2020' };
    }),
  ),
  buttonData.map((d) => cmd(`button ${JSON.stringify(d)}`, { kind: 'button', data: d })),
  typed.map((t) => cmd(`text ${JSON.stringify(t.slice(0, 40))}`, { kind: 'text', text: t })),
  fc.constantFrom(...COMMANDS).map((c) => cmd(`/${c}`, { kind: 'command', command: c })),
  fc
    .tuple(mediaKind, fc.option(fc.string({ maxLength: 30 }), { nil: undefined }))
    .map(([k, caption]) => cmd(`media ${k}`, { kind: 'media', media: { kind: k, fileRef: `f-${k}` }, caption })),
  fc.constantFrom('sticker', 'location', 'poll', 'edit', '').map((w) => cmd(`unsupported ${w}`, { kind: 'unsupported', what: w })),
];

describe('engine against a model (fast-check commands)', () => {
  it('keeps every invariant over any input sequence', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 80 }), (cmds) => {
        fc.modelRun(() => ({ model: { answers: new Map(), erasures: 0 }, real: { state: null, clock: 0, ids: 0 } }), cmds);
      }),
      { numRuns: 150, seed: 20261122 },
    );
    // Not vacuous: the sequences reach every phase and question type of the default pilot.
    expect([...reached.phases].sort()).toEqual(
      expect.arrayContaining(['completed', 'consent', 'declined', 'erase_confirm', 'language', 'question', 'recontact', 'recontact_red', 'stopped']),
    );
    expect([...reached.types].sort()).toEqual(expect.arrayContaining(['date', 'multi', 'scale', 'single', 'skipped', 'text', 'yesno']));
    // Every message is rendered in all 14 languages: a budget for a loaded machine, not a speed check.
  }, 180_000);

  it('after delete and its confirmation nothing is kept and the next message starts over', () => {
    fc.assert(
      fc.property(fc.commands(commands, { maxCommands: 25 }), (cmds) => {
        const model: Model = { answers: new Map(), erasures: 0 };
        const real: Real = { state: null, clock: 0, ids: 0 };
        fc.modelRun(() => ({ model, real }), cmds);
        if (!real.state) step(model, real, { kind: 'text', text: 'hi' }); // a new session
        step(model, real, { kind: 'command', command: 'delete' });
        expect(real.state!.phase).toBe('erase_confirm');
        step(model, real, { kind: 'button', data: 'erase:yes' });
        expect(model.erasures).toBeGreaterThan(0);
        expect(model.answers.size).toBe(0);
        expect(real.state).toBeNull();
        step(model, real, { kind: 'text', text: 'hello' });
        expect(real.state!.phase === 'language' || real.state!.phase === 'consent').toBe(true);
        expect(real.state!.answeredCount).toBe(0);
      }),
      { numRuns: 60, seed: 20261123 },
    );
  }, 180_000);
});

describe('engine answer count (found by the model test)', () => {
  it('counts an answer revised after "back" once', () => {
    const model: Model = { answers: new Map(), erasures: 0 };
    const real: Real = { state: null, clock: 0, ids: 0 };
    for (let i = 0; i < 6; i++) step(model, real, forward); // language, consent, two answers
    const before = real.state!.answeredCount;
    expect(before).toBe(model.answers.size);
    step(model, real, { kind: 'command', command: 'back' });
    step(model, real, forward);
    expect(real.state!.answeredCount).toBe(before);
    expect(real.state!.answeredCount).toBe(model.answers.size);
  });
});
