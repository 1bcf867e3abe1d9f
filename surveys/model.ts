/**
 * The compiled survey: the validated spec flattened into the shape the engine walks.
 *
 * Follow-up questions are placed right after their parent with an implicit "parent was
 * answered" condition, text keys are resolved to their defaults, and traffic-light rules
 * are normalised, so the engine never has to interpret spec shorthands.
 * @module
 */
import { expandScaleMethod } from './scale-method.ts';
import type { Condition, QuestionRole, SpokenKey, SurveySpec, QuestionSpec } from './spec/schema.ts';
import { defaultBands } from './traffic-bands.ts';

export type TrafficLight = 'red' | 'orange' | 'green';
export type PromptForm = 'text' | 'audio' | 'video';
export type MediaKind = 'voice' | 'audio' | 'video' | 'video_note' | 'image' | 'document';

export interface NumericTrafficRule {
  kind: 'numeric';
  red: Array<[number, number]>;
  orange: Array<[number, number]>;
  green: Array<[number, number]>;
}
export interface ChoiceTrafficRule {
  kind: 'choice';
  red: string[];
  orange: string[];
  green: string[];
}
export type TrafficRule = NumericTrafficRule | ChoiceTrafficRule;

export interface Choice {
  id: string;
  textKey: string;
}

interface QuestionBase {
  id: string;
  /** Index in the flattened list; the engine's cursor. */
  index: number;
  /** 1-based position among top-level questions (follow-ups share their parent's), for progress. */
  ordinal: number;
  parent: string | null;
  /** `background` questions describe the respondent (for breakdowns) and carry no indicator. */
  role: QuestionRole;
  /** A background question asked again in every wave (default: asked once, skipped when already answered). */
  askEachWave: boolean;
  indicator: string | null;
  outcome: string | null;
  required: boolean;
  textKey: string;
  hintKey: string | null;
  /** language → file, per prompt form. */
  prompts: { audio: Record<string, string>; video: Record<string, string> };
  when: Condition | null;
  traffic: TrafficRule | null;
}

export interface ScaleQuestion extends QuestionBase {
  type: 'scale';
  min: number;
  max: number;
  minLabelKey: string;
  maxLabelKey: string;
}
export interface NumberQuestion extends QuestionBase {
  type: 'number';
  min: number | null;
  max: number | null;
  integer: boolean;
}
export interface SingleQuestion extends QuestionBase {
  type: 'single';
  choices: Choice[];
}
/** Its choices are always yes and no (labelled with the bot's own words). */
export interface YesNoQuestion extends QuestionBase {
  type: 'yesno';
  choices: Choice[];
}
export interface MultiQuestion extends QuestionBase {
  type: 'multi';
  choices: Choice[];
  minSelected: number;
  maxSelected: number | null;
}
/** Bounds are date prefixes: YYYY, YYYY-MM or YYYY-MM-DD. */
export interface DateQuestion extends QuestionBase {
  type: 'date';
  min: string | null;
  max: string | null;
}
/** A typed answer; with `acceptMedia`, a voice note or video counts too. */
export interface TextQuestion extends QuestionBase {
  type: 'text';
  maxLength: number;
  acceptMedia: boolean;
  accept: MediaKind[];
}
/** A recording; with `allowText`, a typed answer is accepted from people who cannot record. */
export interface MediaQuestion extends QuestionBase {
  type: 'media';
  accept: MediaKind[];
  allowText: boolean;
  maxLength: number;
}
export interface NoteQuestion extends QuestionBase {
  type: 'note';
}

/** A compiled question; each type carries only its own fields. */
export type Question =
  | ScaleQuestion
  | NumberQuestion
  | SingleQuestion
  | YesNoQuestion
  | MultiQuestion
  | DateQuestion
  | TextQuestion
  | MediaQuestion
  | NoteQuestion;
export type ChoiceQuestion = SingleQuestion | YesNoQuestion | MultiQuestion;

/** The options of a choice question; none for other types. */
export function choicesOf(q: Question): readonly Choice[] {
  return q.type === 'single' || q.type === 'yesno' || q.type === 'multi' ? q.choices : [];
}

/** The numeric bounds of a scale or number question; null for other types. */
export function numericRange(q: Question): { min: number | null; max: number | null; integer: boolean } | null {
  if (q.type === 'scale') return { min: q.min, max: q.max, integer: true };
  if (q.type === 'number') return { min: q.min, max: q.max, integer: q.integer };
  return null;
}

const MEDIA_FOR_TEXT: MediaKind[] = ['voice', 'audio', 'video', 'video_note'];

export interface Survey {
  id: string;
  version: number;
  namespace: string;
  languages: string[];
  defaultLanguage: string;
  consent: { version: number; textKey: string };
  recontact: { version: number; afterRed: boolean; atEnd: boolean; expertpool: boolean };
  completionKey: string;
  secondsPerQuestion: number;
  mediaDir: string | null;
  questions: Question[];
  /** Number of top-level questions (the denominator of progress). */
  topLevelCount: number;
  byId: ReadonlyMap<string, Question>;
  /** Indicators the survey touches, in first-appearance order: the recontact themes. */
  indicators: string[];
  /** Ids of background questions (role `background`), in asking order: what answers can be split by. */
  background: string[];
  /** Prompt forms available per language (always includes text). */
  formsByLanguage: Record<string, PromptForm[]>;
  /** Recordings of the pickers, intro, consent, recontact, expertpool and thanks: key → form → language → file. */
  spoken: Partial<Record<SpokenKey, { audio: Record<string, string>; video: Record<string, string> }>>;
  /** Ids whose answers conditions read; only these values are kept in session state. */
  referenced: ReadonlySet<string>;
}

function defaultNumericTraffic(min: number, max: number): NumericTrafficRule {
  return { kind: 'numeric', ...defaultBands(min, max) };
}

function trafficOf(q: QuestionSpec): TrafficRule | null {
  if (!('traffic' in q) || q.traffic === undefined) return null;
  const t = q.traffic;
  if (t === 'default') {
    const min = 'min' in q && typeof q.min === 'number' ? q.min : 0;
    const max = 'max' in q && typeof q.max === 'number' ? q.max : 10;
    return defaultNumericTraffic(min, max);
  }
  if (q.type === 'scale' || q.type === 'number') {
    const n = t as { red?: Array<[number, number]>; orange?: Array<[number, number]>; green?: Array<[number, number]> };
    return { kind: 'numeric', red: n.red ?? [], orange: n.orange ?? [], green: n.green ?? [] };
  }
  const c = t as { red?: string[]; orange?: string[]; green?: string[] };
  return { kind: 'choice', red: c.red ?? [], orange: c.orange ?? [], green: c.green ?? [] };
}

function collectRefs(c: Condition | null, out: Set<string>): void {
  if (!c) return;
  if ('all' in c) c.all.forEach((x) => collectRefs(x, out));
  else if ('any' in c) c.any.forEach((x) => collectRefs(x, out));
  else if ('not' in c) collectRefs(c.not, out);
  else out.add(c.question);
}

/** Flattens a validated spec into the engine's model. */
export function compileSurvey(spec: SurveySpec): Survey {
  const questions: Question[] = [];
  let topLevelCount = 0;
  const walk = (q: QuestionSpec, parent: Question | null): void => {
    const key = (suffix: string) => `q.${q.id}.${suffix}`;
    const implicit: Condition | null = parent ? { question: parent.id, answered: true } : null;
    const when: Condition | null = implicit && q.when ? { all: [implicit, q.when] } : (q.when ?? implicit);
    if (!parent) topLevelCount += 1;
    const role = q.role ?? parent?.role ?? 'indicator';
    const base: QuestionBase = {
      id: q.id,
      index: questions.length,
      ordinal: parent ? parent.ordinal : topLevelCount,
      parent: parent?.id ?? null,
      role,
      askEachWave: q.askEachWave ?? parent?.askEachWave ?? false,
      // A background question under an indicator question still describes the respondent, not an experience.
      indicator: role === 'background' ? null : (q.indicator ?? parent?.indicator ?? null),
      outcome: role === 'background' ? null : (q.outcome ?? parent?.outcome ?? null),
      required: q.required,
      textKey: q.text ?? key('text'),
      hintKey: q.hint ?? null,
      prompts: { audio: q.audio ?? {}, video: q.video ?? {} },
      when,
      traffic: trafficOf(q),
    };
    const choices = (list: Array<string | { id: string; text?: string | undefined }>): Choice[] =>
      list.map((c) => (typeof c === 'string' ? { id: c, textKey: key(`choices.${c}`) } : { id: c.id, textKey: c.text ?? key(`choices.${c.id}`) }));
    const compiled: Question = ((): Question => {
      switch (q.type) {
        case 'scale':
          return { ...base, type: 'scale', min: q.min, max: q.max, minLabelKey: q.minLabel ?? key('min'), maxLabelKey: q.maxLabel ?? key('max') };
        case 'number':
          return { ...base, type: 'number', min: q.min ?? null, max: q.max ?? null, integer: q.integer };
        case 'single':
          return { ...base, type: 'single', choices: choices(q.choices) };
        case 'yesno':
          return {
            ...base,
            type: 'yesno',
            choices: [
              { id: 'yes', textKey: 'bot:common.yes' },
              { id: 'no', textKey: 'bot:common.no' },
            ],
          };
        case 'multi':
          return { ...base, type: 'multi', choices: choices(q.choices), minSelected: q.minSelected ?? 1, maxSelected: q.maxSelected ?? null };
        case 'date':
          return { ...base, type: 'date', min: q.min ?? null, max: q.max ?? null };
        case 'text':
          return { ...base, type: 'text', maxLength: q.maxLength, acceptMedia: q.acceptMedia, accept: q.acceptMedia ? MEDIA_FOR_TEXT : [] };
        case 'media':
          return { ...base, type: 'media', accept: q.accept, allowText: q.allowText, maxLength: 5000 };
        case 'note':
          return { ...base, type: 'note' };
      }
    })();
    questions.push(compiled);
    for (const f of q.followUps ?? []) walk(f, compiled);
  };
  // `scaleMethod` becomes ordinary follow-ups here, so the engine never sees it.
  for (const q of expandScaleMethod(spec).questions) walk(q, null);

  const referenced = new Set<string>();
  for (const q of questions) collectRefs(q.when, referenced);

  const indicators: string[] = [];
  for (const q of questions) if (q.indicator && !indicators.includes(q.indicator)) indicators.push(q.indicator);

  const spoken: Survey['spoken'] = {};
  for (const [key, p] of Object.entries(spec.prompts ?? {})) if (p) spoken[key as SpokenKey] = { audio: p.audio ?? {}, video: p.video ?? {} };
  const recorded = [...questions.map((q) => q.prompts), ...Object.values(spoken)];
  const formsByLanguage: Record<string, PromptForm[]> = {};
  for (const lng of spec.languages) {
    const forms: PromptForm[] = ['text'];
    if (recorded.some((p) => p.audio[lng])) forms.push('audio');
    if (recorded.some((p) => p.video[lng])) forms.push('video');
    formsByLanguage[lng] = forms;
  }

  return {
    id: spec.id,
    version: spec.version,
    namespace: spec.namespace ?? `survey-${spec.id}`,
    languages: spec.languages,
    defaultLanguage: spec.defaultLanguage,
    consent: { version: spec.consent.version, textKey: spec.consent.text },
    recontact: spec.recontact,
    completionKey: spec.completion,
    secondsPerQuestion: spec.secondsPerQuestion,
    mediaDir: spec.mediaDir ?? null,
    questions,
    topLevelCount,
    byId: new Map(questions.map((q) => [q.id, q])),
    indicators,
    background: questions.filter((q) => q.role === 'background').map((q) => q.id),
    formsByLanguage,
    spoken,
    referenced,
  };
}
