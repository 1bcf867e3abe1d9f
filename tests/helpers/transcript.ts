/**
 * Runs engine transcripts: a survey, a list of inputs, and the expected effects per step
 * written as short readable lines (so a reviewer can check them by eye). The engine's sends
 * are shown as the respondent gets them: folded into one turn (bot/conversation/turn.ts),
 * after the step's other effects.
 */
import { foldTurn } from '../../bot/conversation/turn.ts';
import { advance, start } from '../../surveys/engine/engine.ts';
import type { AnswerValue, Effect, EngineInput, Message, SessionState, Step } from '../../surveys/engine/types.ts';
import { compileSurvey, type Survey } from '../../surveys/model.ts';
import { surveySchema } from '../../surveys/spec/schema.ts';

export interface Transcript {
  description: string;
  survey: unknown;
  languageHint?: string;
  /** Further channel suggestions (WhatsApp: the number's country), most likely first. */
  languageHints?: string[];
  /**
   * Each step: an input and optionally the clock at that step (ISO). `consentVersion` raises
   * the survey's consent version from that step on (the survey file was changed in between);
   * a transcript that does so also shows the consent version of each answer.
   */
  inputs: Array<{
    text?: string;
    button?: string;
    command?: string;
    media?: { kind: string; fileRef: string };
    unsupported?: string;
    expire?: true;
    at?: string;
    consentVersion?: number;
  }>;
  expected: string[][];
  finalPhase: string;
}

const T0 = Date.parse('2026-01-05T09:00:00.000Z');

function text(m: Message): string {
  const parts = m.parts.map((p) => ('literal' in p ? `"${p.literal}"` : p.ns === 'bot' ? p.key : `${p.ns}:${p.key}`));
  const buttons = (m.buttons ?? []).flat().map((b) => b.data);
  return `send ${parts.join(' | ')}${buttons.length ? ` [${buttons.join(' ')}]` : ''}${m.media ? ` (${m.media.form} ${m.media.file})` : ''}${m.redraw ? ' (redraw)' : ''}`;
}

function valueText(v: AnswerValue): string {
  switch (v.kind) {
    case 'number':
      return String(v.number);
    case 'choices':
      return v.choices.join(',');
    case 'date':
      return v.date;
    case 'text':
      return JSON.stringify(v.text);
    case 'media':
      return `media:${v.media.kind}`;
    case 'skipped':
      return 'skipped';
  }
}

export function summarize(e: Effect, opts: { consentVersion?: boolean } = {}): string {
  switch (e.type) {
    case 'send':
      return text(e.message);
    case 'answer': {
      const a = e.answer;
      const v = valueText(a.value);
      return `answer ${a.questionId}=${v} via ${a.modality}${a.traffic ? ` ${a.traffic}` : ''} form=${a.promptForm} lang=${a.language}${opts.consentVersion ? ` consent=v${a.consentVersion}` : ''}`;
    }
    case 'consent':
      return `consent ${e.consent.kind}${e.consent.theme ? `:${e.consent.theme}` : ''} v${e.consent.version} ${e.consent.granted ? 'granted' : 'refused'}${e.consent.promptForm === 'text' ? '' : ` form=${e.consent.promptForm}`}`;
    case 'declined':
      return `declined v${e.consentVersion}${e.priorConsent === null ? '' : ` (answers under v${e.priorConsent} kept)`}`;
    case 'erase':
      return 'erase';
    case 'issue':
      return `issue ${e.questionId ?? '-'} ${e.code}`;
  }
}

export function toInput(i: Transcript['inputs'][number]): EngineInput {
  if (i.text !== undefined) return { kind: 'text', text: i.text };
  if (i.button !== undefined) return { kind: 'button', data: i.button };
  if (i.command !== undefined) return { kind: 'command', command: i.command as never };
  if (i.expire) return { kind: 'expire' };
  if (i.media) return { kind: 'media', media: { kind: i.media.kind as never, fileRef: i.media.fileRef } };
  return { kind: 'unsupported', what: i.unsupported ?? 'sticker' };
}

export function compile(spec: unknown): Survey {
  return compileSurvey(surveySchema.parse(spec));
}

/** The survey with its consent at `version` (as if the file had been edited). */
function withConsentVersion(spec: unknown, version: number): Survey {
  const s = spec as { consent: Record<string, unknown> };
  return compile({ ...s, consent: { ...s.consent, version } });
}

export function run(t: Transcript): { steps: string[][]; state: SessionState } {
  let survey = compile(t.survey);
  let n = 0;
  const ctx = (i: number, at?: string) => ({ now: at ?? new Date(T0 + i * 60_000).toISOString(), newId: () => `id-${++n}`, messageId: `m-${i}` });
  const opts = { consentVersion: t.inputs.some((i) => i.consentVersion !== undefined) };
  /** The step's effects other than sends, in order, then the messages of its turn. */
  const show = (step: Step): string[] => {
    const lng = step.state.language ?? step.state.languageHint ?? survey.defaultLanguage;
    const turn = foldTurn(
      step.effects.flatMap((e) => (e.type === 'send' ? [e.message] : [])),
      lng,
    );
    return [...step.effects.filter((e) => e.type !== 'send').map((e) => summarize(e, opts)), ...turn.map(text)];
  };
  const first = start(survey, { languageHint: t.languageHint ?? null, languageHints: t.languageHints }, ctx(0));
  const steps = [show(first)];
  let state = first.state;
  t.inputs.forEach((input, i) => {
    if (input.consentVersion !== undefined) survey = withConsentVersion(t.survey, input.consentVersion);
    const step = advance(survey, state, toInput(input), ctx(i + 1, input.at));
    steps.push(show(step));
    state = step.state;
  });
  return { steps, state };
}
