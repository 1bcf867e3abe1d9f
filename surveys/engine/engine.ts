/**
 * The survey engine: `start` and `advance` return the next state and the effects to carry out.
 *
 * Pure: no I/O, no clock, no randomness — `ctx` brings `now`, `newId` and the message id.
 * The caller persists the state and effects in one transaction and then delivers messages.
 * Work per input is independent of survey length: the cursor moves forward from the current
 * question and only values that conditions read are kept in state.
 * @module
 */
import type { Survey } from '../model.ts';
import { matchLanguages } from '../languages.ts';
import { answer } from './answering.ts';
import { command } from './commands.ts';
import * as flow from './flow.ts';
import * as m from './messages.ts';
import { buttonPhase } from './phases.ts';
import { promptFor } from './prompt.ts';
import { expire } from './reminders.ts';
import { skipKnown } from './known.ts';
import { STATE_VERSION, type AnswerValue, type EngineContext, type EngineInput, type Message, type SessionState, type Step } from './types.ts';

/** After this long without a message, an unreadable input is met with "welcome back" instead of an error. */
export const RESUME_AFTER_MS = 12 * 60 * 60 * 1000;

export interface StartOptions {
  /** The language the channel reports for the user (e.g. Telegram's `language_code`). */
  languageHint?: string | null | undefined;
  /**
   * Background answers this respondent gave in an earlier wave of the pilot (question id →
   * value), passed in by the caller: those questions are not asked again, unless the survey
   * marks them `askEachWave`. Their values still feed conditions.
   */
  known?: Readonly<Record<string, AnswerValue>> | undefined;
  /** Further suggestions after it, most likely first (WhatsApp: the number's country). */
  languageHints?: readonly string[] | undefined;
}

/** Starts a new session: asks for the language (or goes straight to consent when the survey has one). */
export function start(survey: Survey, opts: StartOptions, ctx: EngineContext): Step {
  const hints = matchLanguages([opts.languageHint, ...(opts.languageHints ?? [])], survey.languages);
  const hint = hints[0] ?? null;
  const state: SessionState = {
    v: STATE_VERSION,
    surveyId: survey.id,
    surveyVersion: survey.version,
    phase: 'language',
    returnTo: null,
    stoppedBy: null,
    language: null,
    languageHint: hint,
    ...(hints.length > 1 ? { languageHints: hints } : {}),
    consentVersion: null,
    form: 'text',
    formChosen: false,
    current: null,
    deliveredForm: 'text',
    prev: null,
    values: {},
    answeredCount: 0,
    multiDraft: null,
    pendingThemes: [],
    grantedThemes: [],
    refusedThemes: [],
    themeDraft: null,
    invalidStreak: 0,
    paused: false,
    startedAt: ctx.now,
    lastActivityAt: ctx.now,
    completedAt: null,
    skip: [],
  };
  if (opts.known) skipKnown(survey, state, opts.known);
  if (survey.languages.length === 1) {
    state.language = survey.languages[0]!;
    const run: flow.Run = { survey, s: state, out: [], ctx, returning: false };
    flow.afterLanguage(run);
    return { state, effects: run.out };
  }
  return { state, effects: [{ type: 'send', message: m.languageMessage(survey, hints) }] };
}

/** The prompt the respondent is looking at in `state` (what a typed label or number refers to). */
export function currentPrompt(survey: Survey, state: SessionState): Message {
  return promptFor(survey, state);
}

/** Handles one input. Never throws for bad input: the effects then hold a calm reply. */
export function advance(survey: Survey, prior: SessionState, input: EngineInput, ctx: EngineContext): Step {
  if (input.kind === 'expire') return expire(prior);
  const state: SessionState = { ...prior, values: { ...prior.values }, lastActivityAt: ctx.now };
  const idle = Date.parse(ctx.now) - Date.parse(prior.lastActivityAt) > RESUME_AFTER_MS;
  const run: flow.Run = { survey, s: state, out: [], ctx, returning: idle || prior.paused };
  if (input.kind === 'command') command(run, input.command);
  else if (state.phase === 'completed') flow.say(run, 'completed.already');
  else if (state.phase === 'stopped' && state.stoppedBy === 'expiry') flow.resumeStopped(run);
  else if (state.phase === 'stopped') flow.say(run, 'stop.still_stopped');
  else if (state.phase === 'declined') flow.say(run, 'consent.declined');
  else if (state.phase === 'question' && flow.needsConsentAgain(run)) flow.askConsentAgain(run);
  else if (state.phase === 'question') answer(run, input);
  else buttonPhase(run, input);
  return { state, effects: run.out };
}
