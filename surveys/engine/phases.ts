/**
 * Phases answered with a button (or the button's number): language, consent, prompt form,
 * erase confirmation, and the recontact / expertpool questions.
 * @module
 */
import { westernDigits } from './text.ts';
import * as flow from './flow.ts';
import type { Run } from './flow.ts';
import * as m from './messages.ts';
import { formsFor, promptFor, undecidedThemes } from './prompt.ts';
import { decodeButton } from './buttons.ts';
import type { RespondentInput } from './types.ts';

/** Resolves a typed number ("2", "٢") to the n-th button of the current prompt. */
function buttonData(r: Run, input: RespondentInput): string | null {
  if (input.kind === 'button') return input.data;
  if (input.kind !== 'text') return null;
  const n = Number(westernDigits(input.text.trim()));
  const flat = (promptFor(r.survey, r.s).buttons ?? []).flat();
  return Number.isInteger(n) && n >= 1 && n <= flat.length ? flat[n - 1]!.data : null;
}

export function buttonPhase(r: Run, input: RespondentInput): void {
  const { s, survey } = r;
  const data = buttonData(r, input);
  if (data === null) {
    const count = (promptFor(survey, s).buttons ?? []).flat().length;
    return flow.issue(r, input.kind === 'unsupported' ? { code: 'unsupported', params: { what: input.what } } : { code: 'not_a_choice', params: { count } });
  }
  const b = decodeButton(data);
  if (b === null) return flow.stale(r);
  s.paused = false;
  switch (s.phase) {
    case 'language':
      if (b.kind !== 'language' || !survey.languages.includes(b.lng)) return flow.stale(r);
      s.language = b.lng;
      // Back to where LANGUAGE was typed, except to a first consent: that waits for the form choice.
      if (s.returnTo && !(s.returnTo === 'consent' && s.consentVersion === null)) return flow.resumeFromInterrupt(r);
      s.returnTo = null;
      return flow.afterLanguage(r);
    case 'consent': {
      if (b.kind !== 'consent') return flow.stale(r);
      if (b.answer === 'no') return s.consentVersion === null ? flow.decline(r, 'consent.declined') : flow.declineUpdate(r);
      const again = s.consentVersion !== null;
      s.consentVersion = survey.consent.version;
      flow.consent(r, 'participation', null, true);
      flow.say(r, 'consent.thanks');
      // Agreed to a new version: back to the question they were at.
      if (again) return flow.resumeFromInterrupt(r);
      return flow.askFrom(r, 0);
    }
    case 'form':
      if (b.kind !== 'form' || !formsFor(survey, s).includes(b.form)) return flow.stale(r);
      s.form = b.form;
      s.formChosen = true;
      if (s.returnTo) return flow.resumeFromInterrupt(r);
      // The form is chosen before consent, so the consent question comes in that form.
      return s.consentVersion === null ? flow.askConsent(r) : flow.askFrom(r, 0);
    case 'erase_confirm':
      if (b.kind !== 'erase') return flow.stale(r);
      if (b.answer === 'yes') {
        r.out.push({ type: 'erase' });
        s.phase = 'declined';
        return flow.say(r, 'erase.done');
      }
      flow.say(r, 'erase.kept');
      return flow.resumeFromInterrupt(r);
    case 'recontact_red': {
      const theme = s.pendingThemes[0];
      if (b.kind !== 'recontact_theme' || theme === undefined || b.theme !== theme) return flow.stale(r);
      flow.decideTheme(r, theme, b.answer === 'yes');
      s.pendingThemes = s.pendingThemes.slice(1);
      flow.say(r, b.answer === 'yes' ? 'recontact.thanks_yes' : 'recontact.thanks_no');
      return flow.continueAfterThemes(r);
    }
    case 'recontact':
      if (b.kind !== 'recontact') return flow.stale(r);
      if (b.answer === 'no') {
        for (const t of undecidedThemes(survey, s)) flow.decideTheme(r, t, false);
        return flow.finish(r);
      }
      s.phase = 'recontact_themes';
      s.themeDraft = [];
      return flow.send(r, m.themesMessage(undecidedThemes(survey, s), []));
    case 'recontact_themes': {
      const themes = undecidedThemes(survey, s);
      if (b.kind === 'theme' && themes.includes(b.theme)) {
        const draft = s.themeDraft ?? [];
        s.themeDraft = draft.includes(b.theme) ? draft.filter((t) => t !== b.theme) : [...draft, b.theme];
        return flow.send(r, { ...m.themesMessage(themes, s.themeDraft), redraw: true });
      }
      if (b.kind !== 'themes_done') return flow.stale(r);
      const chosen = s.themeDraft ?? [];
      for (const t of themes) flow.decideTheme(r, t, chosen.includes(t));
      s.themeDraft = null;
      return flow.afterRecontact(r);
    }
    case 'expertpool':
      if (b.kind !== 'expertpool') return flow.stale(r);
      flow.consent(r, 'expertpool', null, b.answer === 'yes');
      return flow.finish(r);
    default:
      return flow.stale(r);
  }
}
