/**
 * Moving a session along: asking the next question, interruptions, the end of a survey.
 *
 * Every engine step works on one {@link Run}: the survey, the (copied) state it may
 * mutate, the effects it appends to, and the context of this input.
 * @module
 */
import type { Question, Survey } from '../model.ts';
import { evaluate } from './conditions.ts';
import * as m from './messages.ts';
import { currentQuestion, formsFor, promptFor, undecidedThemes } from './prompt.ts';
import type { AnswerIssue, Effect, EngineContext, Message, Phase, SessionState } from './types.ts';

/** After this many unreadable inputs in a row, the reply also says how to get help or skip. */
const HELP_AFTER_INVALID = 3;

export interface Run {
  readonly survey: Survey;
  readonly s: SessionState;
  readonly out: Effect[];
  readonly ctx: EngineContext;
  /** Back after a pause or a long silence: an unreadable input gets "welcome back". */
  readonly returning: boolean;
}

export function send(r: Run, message: Message): void {
  r.out.push({ type: 'send', message });
}

export function say(r: Run, key: string, params?: Record<string, string | number>): void {
  send(r, m.say(key, params));
}

/** Sends the current prompt again (after help, an issue, a language switch…). */
export function repeat(r: Run): void {
  if (r.s.phase === 'question') {
    const q = currentQuestion(r.survey, r.s);
    return q ? deliver(r, q) : askFrom(r, 0);
  }
  // A first consent whose intro has a recording of its own: the intro again, then the question.
  if (r.s.phase === 'consent' && r.s.consentVersion === null) return askConsent(r);
  send(r, promptFor(r.survey, r.s));
}

/** Records why an input was not accepted, at the question being asked (null outside one). */
function note(r: Run, code: AnswerIssue['code']): void {
  r.out.push({ type: 'issue', questionId: r.s.phase === 'question' ? r.s.current : null, code });
}

export function issue(r: Run, i: AnswerIssue): void {
  note(r, i.code);
  r.s.invalidStreak += 1;
  const parts: Message['parts'] = [m.bot(`issue.${i.code}`, i.params)];
  if (r.s.invalidStreak >= HELP_AFTER_INVALID) parts.push(m.bot('issue.need_help'));
  send(r, { parts });
  repeat(r);
}

/** A tap on a button of an earlier prompt: say so, and show the current one. */
export function stale(r: Run): void {
  note(r, 'stale_button');
  say(r, 'issue.stale_button');
  repeat(r);
}

export function deliver(r: Run, q: Question): void {
  r.s.phase = 'question';
  r.s.current = q.id;
  const message = m.questionMessage(r.survey, q, r.s, r.s.form);
  r.s.deliveredForm = message.media?.form ?? 'text';
  send(r, message);
}

/** Moves to the first question at or after `index` whose condition holds, or to the end. */
export function askFrom(r: Run, index: number): void {
  const { survey, s } = r;
  let next: Question | undefined;
  for (let i = index; i < survey.questions.length; i++) {
    const q = survey.questions[i]!;
    if (!evaluate(q.when, s.values) || s.skip.includes(q.id)) continue;
    if (q.type === 'note') {
      send(r, m.questionMessage(survey, q, s, s.form));
      continue;
    }
    next = q;
    break;
  }
  // Ask about a red theme once the follow-ups of the red answer are done.
  if (s.pendingThemes.length > 0 && (!next || next.parent === null)) {
    s.current = next?.id ?? null;
    s.phase = 'recontact_red';
    return send(r, m.recontactRedMessage(s.pendingThemes[0]!));
  }
  if (!next) return end(r);
  deliver(r, next);
}

/** After a red-theme decision: the next pending theme, or the question that was waiting. */
export function continueAfterThemes(r: Run): void {
  const { s } = r;
  if (s.pendingThemes.length > 0) return send(r, m.recontactRedMessage(s.pendingThemes[0]!));
  const next = currentQuestion(r.survey, s);
  return next ? deliver(r, next) : end(r);
}

/** Back to the phase an interruption (language, form, erase prompt) came from, in the new language or form. */
export function resumeFromInterrupt(r: Run): void {
  const back: Phase = r.s.returnTo ?? 'question';
  r.s.returnTo = null;
  r.s.phase = back;
  repeat(r);
}

/** Back from `stopped` (START, or any message after an expiry) to where they left off. */
export function resumeStopped(r: Run): void {
  // A STOP during the erase prompt of a stopped session leaves `stopped` here; that is still "the questions".
  const back: Phase = r.s.returnTo !== null && r.s.returnTo !== 'stopped' ? r.s.returnTo : 'question';
  r.s.returnTo = null;
  r.s.stoppedBy = null;
  say(r, 'resume.welcome_back');
  if (back === 'question' && needsConsentAgain(r)) return askConsentAgain(r);
  r.s.phase = back;
  repeat(r);
}

/** Consented to an older version of the survey's consent than the current one. */
export function needsConsentAgain(r: Run): boolean {
  return r.s.consentVersion !== null && r.s.consentVersion < r.survey.consent.version;
}

/**
 * The consent text changed since they agreed: nothing more is stored until they agree to
 * the new version. The input that brought them here is not taken as an answer; after a yes
 * they get the question they were at again.
 */
export function askConsentAgain(r: Run): void {
  r.s.returnTo = 'question';
  r.s.phase = 'consent';
  send(r, m.consentMessage(r.survey, r.s));
}

/**
 * Once the language is known: the prompt-form choice (read / listen / watch) when the
 * language has recordings, and only then consent — someone who cannot read hears what
 * they consent to.
 */
export function afterLanguage(r: Run): void {
  const forms = formsFor(r.survey, r.s);
  if (forms.length > 1 && !r.s.formChosen) {
    r.s.phase = 'form';
    return send(r, m.formMessage(forms, r.survey, r.s.language));
  }
  askConsent(r);
}

/** The intro and consent question; the intro goes apart when it has a recording of its own. */
export function askConsent(r: Run): void {
  r.s.phase = 'consent';
  if (m.introApart(r.survey, r.s)) send(r, m.introMessage(r.survey, r.s));
  send(r, m.consentMessage(r.survey, r.s));
}

export function end(r: Run): void {
  r.s.current = null;
  if (r.survey.recontact.atEnd && undecidedThemes(r.survey, r.s).length > 0) {
    r.s.phase = 'recontact';
    return send(r, m.spoken(m.recontactMessage(), r.survey, 'recontact', r.s));
  }
  afterRecontact(r);
}

export function afterRecontact(r: Run): void {
  if (r.survey.recontact.expertpool && r.s.grantedThemes.length > 0) {
    r.s.phase = 'expertpool';
    return send(r, m.spoken(m.expertpoolMessage(), r.survey, 'expertpool', r.s));
  }
  finish(r);
}

export function finish(r: Run): void {
  r.s.phase = 'completed';
  r.s.completedAt = r.ctx.now;
  send(r, m.spoken({ parts: [m.surveyText(r.survey.completionKey)] }, r.survey, 'completion', r.s));
}

export function consent(r: Run, kind: 'participation' | 'recontact' | 'expertpool', theme: string | null, granted: boolean): void {
  const version = kind === 'participation' ? r.survey.consent.version : r.survey.recontact.version;
  // How the question was put (read, heard, watched) is part of what was agreed to.
  const promptForm = promptFor(r.survey, r.s).media?.form ?? 'text';
  r.out.push({ type: 'consent', consent: { kind, theme, version, granted, recordedAt: r.ctx.now, promptForm } });
}

export function decideTheme(r: Run, theme: string, granted: boolean): void {
  if (granted) r.s.grantedThemes = [...r.s.grantedThemes, theme];
  else r.s.refusedThemes = [...r.s.refusedThemes, theme];
  consent(r, 'recontact', theme, granted);
}

/** Declining (or stopping before consent): the caller keeps only a count. */
export function decline(r: Run, key: string): void {
  r.s.phase = 'declined';
  r.out.push({ type: 'declined', consentVersion: r.survey.consent.version, priorConsent: null });
  say(r, key);
}

/**
 * Declining a new consent version after answering under an older one. The earlier answers
 * were given with consent to the terms of then, so declining the new terms does not erase
 * them by itself (the decline is counted all the same): nothing new is stored, the session
 * stops, and they are asked whether to delete the earlier answers too. "Keep" leaves them
 * stopped; START later asks the new terms again.
 */
export function declineUpdate(r: Run): void {
  r.out.push({ type: 'declined', consentVersion: r.survey.consent.version, priorConsent: r.s.consentVersion });
  r.s.phase = 'erase_confirm';
  r.s.returnTo = 'stopped';
  r.s.stoppedBy = 'respondent';
  send(r, m.declinedUpdateMessage());
}
