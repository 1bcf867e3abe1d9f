/**
 * What the respondent is looking at in a given state: the prompt of the current phase.
 * @module
 */
import type { PromptForm, Question, Survey } from '../model.ts';
import * as m from './messages.ts';
import type { Message, SessionState } from './types.ts';

/** Prompt forms offered in the session's language (always includes text). */
export function formsFor(survey: Survey, s: SessionState): PromptForm[] {
  return survey.formsByLanguage[s.language ?? survey.defaultLanguage] ?? ['text'];
}

/** Recontact themes (the survey's indicators) the respondent has not yet said yes or no to. */
export function undecidedThemes(survey: Survey, s: SessionState): string[] {
  return survey.indicators.filter((t) => !s.grantedThemes.includes(t) && !s.refusedThemes.includes(t));
}

export function currentQuestion(survey: Survey, s: SessionState): Question | undefined {
  return s.current ? survey.byId.get(s.current) : undefined;
}

/** The prompt of the current phase, as it would be sent now. */
export function promptFor(survey: Survey, s: SessionState): Message {
  switch (s.phase) {
    case 'language':
      return m.languageMessage(survey, s.language ?? s.languageHints ?? s.languageHint);
    case 'consent':
      return m.consentMessage(survey, s);
    case 'form':
      return m.formMessage(formsFor(survey, s), survey, s.language);
    case 'question': {
      const q = currentQuestion(survey, s);
      return q ? m.questionMessage(survey, q, s, s.form) : m.say('help.text');
    }
    case 'recontact_red':
      return m.recontactRedMessage(s.pendingThemes[0] ?? '');
    case 'recontact':
      return m.spoken(m.recontactMessage(), survey, 'recontact', s);
    case 'recontact_themes':
      return m.themesMessage(undecidedThemes(survey, s), s.themeDraft ?? []);
    case 'expertpool':
      return m.spoken(m.expertpoolMessage(), survey, 'expertpool', s);
    case 'erase_confirm':
      return m.eraseConfirmMessage();
    case 'completed':
      return m.say('completed.already');
    case 'stopped':
      return m.say('stop.still_stopped');
    case 'declined':
      return m.say('consent.declined');
  }
}
