/**
 * Commands that work in every phase: help, stop/start, delete, language, form, pause, skip, back.
 * @module
 */
import { back, skip } from './answering.ts';
import * as flow from './flow.ts';
import type { Run } from './flow.ts';
import * as m from './messages.ts';
import { formsFor } from './prompt.ts';
import type { Command } from './types.ts';

export function command(r: Run, c: Command): void {
  const { s, survey } = r;
  const active = !['completed', 'stopped', 'declined', 'erase_confirm'].includes(s.phase);
  switch (c) {
    case 'start':
      if (s.phase === 'stopped') return flow.resumeStopped(r);
      if (s.phase === 'completed') return flow.say(r, 'completed.already');
      return flow.repeat(r);
    case 'help':
      flow.say(r, 'help.text');
      return active ? flow.repeat(r) : undefined;
    case 'stop':
      if (s.phase === 'completed') return flow.say(r, 'completed.already');
      if (s.phase === 'stopped') return flow.say(r, 'stop.still_stopped');
      // Nothing was consented to, so nothing is kept: the same as declining.
      if (s.consentVersion === null) return flow.decline(r, 'stop.before_consent');
      if (s.phase !== 'erase_confirm') s.returnTo = s.phase;
      s.phase = 'stopped';
      s.stoppedBy = 'respondent';
      return flow.say(r, 'stop.done');
    case 'delete':
      if (s.phase !== 'erase_confirm') s.returnTo = s.phase;
      s.phase = 'erase_confirm';
      return flow.send(r, m.eraseConfirmMessage());
    case 'language':
      if (!active) return flow.repeat(r);
      if (s.phase !== 'language') s.returnTo = s.phase;
      s.phase = 'language';
      return flow.send(r, m.languageMessage(survey, s.language));
    case 'form': {
      const forms = formsFor(survey, s);
      if (!active || forms.length < 2) {
        flow.say(r, 'form.only_text');
        return active ? flow.repeat(r) : undefined;
      }
      if (s.phase !== 'form') s.returnTo = s.phase;
      s.phase = 'form';
      return flow.send(r, m.formMessage(forms, survey, s.language));
    }
    case 'pause':
      if (!active) return flow.repeat(r);
      s.paused = true;
      return flow.say(r, 'pause.done');
    case 'skip':
      // A skip is stored as an answer, so it waits for consent to a new version like one.
      if (s.phase === 'question' && flow.needsConsentAgain(r)) return flow.askConsentAgain(r);
      return s.phase === 'question' ? skip(r) : flow.repeat(r);
    case 'back':
      return s.phase === 'question' ? back(r) : flow.repeat(r);
    default: // also guards against a channel passing an unchecked command name
      flow.say(r, 'help.unknown_command');
      return flow.repeat(r);
  }
}
