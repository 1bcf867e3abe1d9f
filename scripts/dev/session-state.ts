/**
 * A complete session state for tests and the benchmark, which write sessions straight into the
 * store: every field at its "fresh question" value, overridable.
 * @module
 */
import { STATE_VERSION, type SessionState } from '../../surveys/engine/types.ts';

export function sessionState(over: Partial<SessionState> = {}, at = '2026-03-01T10:00:00.000Z'): SessionState {
  return {
    v: STATE_VERSION,
    surveyId: 's',
    surveyVersion: 1,
    phase: 'question',
    returnTo: null,
    stoppedBy: null,
    language: 'ar',
    languageHint: null,
    consentVersion: 1,
    form: 'text',
    formChosen: false,
    current: 'q1',
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
    startedAt: at,
    lastActivityAt: at,
    completedAt: null,
    skip: [],
    ...over,
  };
}
