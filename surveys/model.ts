/**
 * The compiled survey: the validated spec flattened into the shape the engine walks.
 *
 * Follow-up questions are placed right after their parent with an implicit "parent was
 * answered" condition, text keys are resolved to their defaults, and traffic-light rules
 * are normalised, so the engine never has to interpret spec shorthands.
 * @module
 */
import type { Condition, QuestionType, SurveySpec, QuestionSpec } from './spec/schema.ts';

export type TrafficLight = 'red' | 'orange' | 'green';
export type PromptForm = 'text' | 'audio' | 'video';

export interface NumericTrafficRule { kind: 'numeric'; red: Array<[number, number]>; orange: Array<[number, number]>; green: Array<[number, number]> }
export interface ChoiceTrafficRule { kind: 'choice'; red: string[]; orange: string[]; green: string[] }
export type TrafficRule = NumericTrafficRule | ChoiceTrafficRule;

export interface Choice { id: string; textKey: string }

export interface Question {
  id: string;
  type: QuestionType;
  /** Index in the flattened list; the engine's cursor. */
  index: number;
  /** 1-based position among top-level questions (follow-ups share their parent's), for progress. */
  ordinal: number;
  parent: string | null;
  indicator: string | null;
  outcome: string | null;
  required: boolean;
  textKey: string;
  hintKey: string | null;
  choices: Choice[];
  min: number | null;
  max: number | null;
  minLabelKey: string | null;
  maxLabelKey: string | null;
  integer: boolean;
  minSelected: number;
  maxSelected: number | null;
  dateMin: string | null;
  dateMax: string | null;
  maxLength: number;
  acceptMedia: boolean;
  accept: string[];
  allowText: boolean;
  /** language → file, per prompt form. */
  prompts: { audio: Record<string, string>; video: Record<string, string> };
  when: Condition | null;
  traffic: TrafficRule | null;
}

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
  /** Prompt forms available per language (always includes text). */
  formsByLanguage: Record<string, PromptForm[]>;
  /** Ids whose answers conditions read; only these values are kept in session state. */
  referenced: ReadonlySet<string>;
}

function defaultNumericTraffic(min: number, max: number): NumericTrafficRule {
  // 0–10 gives red 0–4, orange 5–6, green 7–10 (the schaalvraag convention).
  const span = max - min;
  const redTop = min + Math.floor(span * 0.4);
  const orangeTop = min + Math.floor(span * 0.6);
  return { kind: 'numeric', red: [[min, redTop]], orange: [[redTop + 1, orangeTop]], green: [[orangeTop + 1, max]] };
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
    const choices: Choice[] =
      q.type === 'single' || q.type === 'multi'
        ? q.choices.map((c) => (typeof c === 'string' ? { id: c, textKey: key(`choices.${c}`) } : { id: c.id, textKey: c.text ?? key(`choices.${c.id}`) }))
        : q.type === 'yesno'
          ? [{ id: 'yes', textKey: 'bot:common.yes' }, { id: 'no', textKey: 'bot:common.no' }]
          : [];
    if (!parent) topLevelCount += 1;
    const compiled: Question = {
      id: q.id,
      type: q.type,
      index: questions.length,
      ordinal: parent ? parent.ordinal : topLevelCount,
      parent: parent?.id ?? null,
      indicator: q.indicator ?? parent?.indicator ?? null,
      outcome: q.outcome ?? parent?.outcome ?? null,
      required: q.required,
      textKey: q.text ?? key('text'),
      hintKey: q.hint ?? null,
      choices,
      min: q.type === 'scale' || q.type === 'number' ? (q.min ?? null) : null,
      max: q.type === 'scale' || q.type === 'number' ? (q.max ?? null) : null,
      minLabelKey: q.type === 'scale' ? (q.minLabel ?? key('min')) : null,
      maxLabelKey: q.type === 'scale' ? (q.maxLabel ?? key('max')) : null,
      integer: q.type === 'scale' ? true : q.type === 'number' ? q.integer : false,
      minSelected: q.type === 'multi' ? (q.minSelected ?? 1) : 1,
      maxSelected: q.type === 'multi' ? (q.maxSelected ?? null) : null,
      dateMin: q.type === 'date' ? (q.min ?? null) : null,
      dateMax: q.type === 'date' ? (q.max ?? null) : null,
      maxLength: q.type === 'text' ? q.maxLength : 5000,
      acceptMedia: q.type === 'text' ? q.acceptMedia : q.type === 'media',
      accept: q.type === 'media' ? q.accept : q.type === 'text' && q.acceptMedia ? ['voice', 'audio', 'video', 'video_note'] : [],
      allowText: q.type === 'media' ? q.allowText : true,
      prompts: { audio: q.audio ?? {}, video: q.video ?? {} },
      when,
      traffic: trafficOf(q),
    };
    questions.push(compiled);
    for (const f of q.followUps ?? []) walk(f, compiled);
  };
  for (const q of spec.questions) walk(q, null);

  const referenced = new Set<string>();
  for (const q of questions) collectRefs(q.when, referenced);

  const indicators: string[] = [];
  for (const q of questions) if (q.indicator && !indicators.includes(q.indicator)) indicators.push(q.indicator);

  const formsByLanguage: Record<string, PromptForm[]> = {};
  for (const lng of spec.languages) {
    const forms: PromptForm[] = ['text'];
    if (questions.some((q) => q.prompts.audio[lng])) forms.push('audio');
    if (questions.some((q) => q.prompts.video[lng])) forms.push('video');
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
    formsByLanguage,
    referenced,
  };
}
