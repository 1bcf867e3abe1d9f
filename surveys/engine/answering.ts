/**
 * The question phase: taking an answer, skipping, going back one question.
 * @module
 */
import type { Question } from '../model.ts';
import { decodeButton } from './buttons.ts';
import { parseAnswer, type ParsedAnswer, type ParseResult } from './answers.ts';
import * as flow from './flow.ts';
import type { Run } from './flow.ts';
import * as m from './messages.ts';
import { currentQuestion } from './prompt.ts';
import { trafficLight } from './traffic.ts';
import type { AnswerValue, RespondentInput, StoredValue } from './types.ts';

const SKIPPED: ParsedAnswer = { value: { kind: 'skipped' }, modality: 'none' };

export function answer(r: Run, input: RespondentInput): void {
  const { s } = r;
  const q = currentQuestion(r.survey, s);
  if (!q) return flow.askFrom(r, 0);
  if (input.kind === 'button') {
    const b = decodeButton(input.data);
    const mine = b && (b.kind === 'answer' || b.kind === 'toggle' || b.kind === 'done' || b.kind === 'skip') && b.question === q.id ? b : null;
    if (!mine) return flow.stale(r);
    s.paused = false;
    if (mine.kind === 'skip') return skip(r);
    if (mine.kind === 'toggle') {
      const draft = s.multiDraft ?? [];
      s.multiDraft = draft.includes(mine.choice) ? draft.filter((x) => x !== mine.choice) : [...draft, mine.choice];
      return flow.send(r, { ...m.questionMessage(r.survey, q, s, 'text'), redraw: true });
    }
    const data = mine.kind === 'done' ? (s.multiDraft ?? []).join(',') : mine.value;
    return accept(r, q, parseAnswer(q, { kind: 'button', data }));
  }
  const parsed = parseAnswer(q, input);
  s.paused = false;
  if (r.returning && !parsed.ok) {
    flow.say(r, 'resume.welcome_back');
    return flow.repeat(r);
  }
  return accept(r, q, parsed);
}

function accept(r: Run, q: Question, result: ParseResult): void {
  if (!result.ok) return flow.issue(r, result.issue);
  record(r, q, result.answer);
  flow.askFrom(r, q.index + 1);
}

function record(r: Run, q: Question, a: ParsedAnswer): void {
  const { s, survey, ctx } = r;
  const v = a.value;
  // Background questions never colour the map nor queue a recontact theme.
  const light =
    q.role === 'background' ? null : v.kind === 'number' ? trafficLight(q.traffic, v.number) : v.kind === 'choices' ? trafficLight(q.traffic, v.choices) : null;
  r.out.push({
    type: 'answer',
    answer: {
      id: ctx.newId(),
      questionId: q.id,
      parentQuestionId: q.parent,
      indicator: q.indicator,
      outcome: q.outcome,
      questionType: q.type,
      value: v,
      modality: a.modality,
      language: s.language!,
      promptForm: s.deliveredForm,
      traffic: light,
      consentVersion: s.consentVersion!,
      answeredAt: ctx.now,
      sourceMessageId: ctx.messageId,
    },
  });
  if (survey.referenced.has(q.id)) {
    s.values[q.id] = storedValue(q, v);
  }
  // `back` clears `prev`, so a null `prev` after the first answer means this revises an answer already counted.
  if (s.prev !== null || s.answeredCount === 0) s.answeredCount += 1;
  s.invalidStreak = 0;
  s.multiDraft = null;
  s.prev = q.id;
  const theme = q.indicator;
  if (
    light === 'red' &&
    theme &&
    survey.recontact.afterRed &&
    !s.grantedThemes.includes(theme) &&
    !s.refusedThemes.includes(theme) &&
    !s.pendingThemes.includes(theme)
  ) {
    s.pendingThemes = [...s.pendingThemes, theme];
  }
}

/** What conditions read: single choices as a string, multi choices as a list, free answers as "answered". */
export function storedValue(q: Question, v: AnswerValue): StoredValue {
  switch (v.kind) {
    case 'number':
      return v.number;
    case 'choices':
      return q.type === 'multi' ? v.choices : (v.choices[0] ?? null);
    case 'date':
      return v.date;
    case 'text':
    case 'media':
      return true;
    case 'skipped':
      return null;
  }
}

export function skip(r: Run): void {
  const q = currentQuestion(r.survey, r.s);
  if (!q) return flow.repeat(r);
  if (q.required) return flow.issue(r, { code: 'required' });
  record(r, q, SKIPPED);
  flow.say(r, 'common.skipped');
  flow.askFrom(r, q.index + 1);
}

export function back(r: Run): void {
  const prev = r.s.prev ? r.survey.byId.get(r.s.prev) : undefined;
  if (!prev || prev.id === r.s.current) return flow.issue(r, { code: 'cannot_go_back' });
  r.s.prev = null;
  r.s.multiDraft = null;
  flow.deliver(r, prev);
}
