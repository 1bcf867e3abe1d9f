/**
 * The survey engine: `start` and `advance` return the next state and the effects to carry out.
 *
 * Pure: no I/O, no clock, no randomness — `ctx` brings `now`, `newId` and the message id.
 * The caller persists the state and effects in one transaction and then delivers messages.
 * Work per input is independent of survey length: the cursor moves forward from the current
 * question and only values that conditions read are kept in state.
 * @module
 */
import type { PromptForm, Question, Survey } from '../model.ts';
import { matchLanguage } from '../languages.ts';
import { parseAnswer, type ParsedAnswer } from './answers.ts';
import { evaluate } from './conditions.ts';
import * as m from './messages.ts';
import { trafficLight } from './traffic.ts';
import {
  STATE_VERSION, type AnswerIssue, type Effect, type EngineContext, type EngineInput, type Message, type Phase,
  type SessionState, type Step, type StoredValue,
} from './types.ts';

/** After this long without a message, an unreadable input is met with "welcome back" instead of an error. */
export const RESUME_AFTER_MS = 12 * 60 * 60 * 1000;
/** After this many unreadable inputs in a row, the reply also says how to get help or skip. */
const HELP_AFTER_INVALID = 3;

export interface StartOptions {
  /** The language the channel reports for the user (e.g. Telegram's `language_code`). */
  languageHint?: string | null | undefined;
}

/** Starts a new session: asks for the language (or skips to consent when the survey has one). */
export function start(survey: Survey, opts: StartOptions, ctx: EngineContext): Step {
  const hint = matchLanguage(opts.languageHint, survey.languages);
  const state: SessionState = {
    v: STATE_VERSION, surveyId: survey.id, surveyVersion: survey.version, phase: 'language', returnTo: null,
    language: null, languageHint: hint, consentVersion: null, form: 'text', formChosen: false, current: null,
    deliveredForm: 'text', prev: null, values: {}, answeredCount: 0, multiDraft: null, pendingThemes: [],
    grantedThemes: [], refusedThemes: [], themeDraft: null, invalidStreak: 0, paused: false,
    startedAt: ctx.now, lastActivityAt: ctx.now, completedAt: null,
  };
  if (survey.languages.length === 1) {
    state.language = survey.languages[0]!;
    state.phase = 'consent';
    return { state, effects: [send(m.consentMessage(survey))] };
  }
  return { state, effects: [send(m.languageMessage(survey, hint))] };
}

const send = (message: Message): Effect => ({ type: 'send', message });

/** The prompt the respondent is looking at in `state` (what a typed label or number refers to). */
export function currentPrompt(survey: Survey, state: SessionState, now: string): Message {
  return new Machine(survey, { ...state }, [], { now, newId: () => '', messageId: '' }, false).prompt();
}

/** Handles one input. Never throws for bad input: the effects then hold a calm reply. */
export function advance(survey: Survey, prior: SessionState, input: EngineInput, ctx: EngineContext): Step {
  const state: SessionState = { ...prior, values: { ...prior.values }, lastActivityAt: ctx.now };
  const effects: Effect[] = [];
  const idle = Date.parse(ctx.now) - Date.parse(prior.lastActivityAt) > RESUME_AFTER_MS;
  new Machine(survey, state, effects, ctx, idle || prior.paused).handle(input);
  return { state, effects };
}

class Machine {
  constructor(
    private readonly survey: Survey,
    private readonly s: SessionState,
    private readonly out: Effect[],
    private readonly ctx: EngineContext,
    private readonly returning: boolean,
  ) {}

  handle(input: EngineInput): void {
    if (input.kind === 'command') return this.command(input.command);
    switch (this.s.phase) {
      case 'completed': return this.say('completed.already');
      case 'stopped': return this.say('stop.still_stopped');
      case 'declined': return this.say('consent.declined');
      case 'question': return this.question(input);
      default: return this.buttonPhase(input);
    }
  }

  // ---- commands -------------------------------------------------------------------------

  private command(command: string): void {
    const s = this.s;
    const active = !['completed', 'stopped', 'declined', 'erase_confirm'].includes(s.phase);
    switch (command) {
      case 'start':
        if (s.phase === 'stopped') {
          s.phase = s.returnTo ?? 'question';
          s.returnTo = null;
          this.say('resume.welcome_back');
          return this.repeat();
        }
        if (s.phase === 'completed') return this.say('completed.already');
        return this.repeat();
      case 'help':
        this.say('help.text');
        return active ? this.repeat() : undefined;
      case 'stop':
        if (s.phase === 'stopped' || s.phase === 'completed') return this.say(s.phase === 'completed' ? 'completed.already' : 'stop.still_stopped');
        if (s.consentVersion === null) {
          // Nothing was consented to, so nothing is kept: same as declining.
          s.phase = 'declined';
          this.out.push({ type: 'declined', consentVersion: this.survey.consent.version });
          return this.say('stop.before_consent');
        }
        s.returnTo = s.phase === 'erase_confirm' ? s.returnTo : s.phase;
        s.phase = 'stopped';
        return this.say('stop.done');
      case 'delete':
        if (s.phase !== 'erase_confirm') s.returnTo = s.phase;
        s.phase = 'erase_confirm';
        return this.send(m.eraseConfirmMessage());
      case 'language':
        if (!active) return this.repeat();
        if (s.phase !== 'language') s.returnTo = s.phase;
        s.phase = 'language';
        return this.send(m.languageMessage(this.survey, s.language));
      case 'form': {
        const forms = this.forms();
        if (!active || forms.length < 2) { this.say('form.only_text'); return active ? this.repeat() : undefined; }
        if (s.phase !== 'form') s.returnTo = s.phase;
        s.phase = 'form';
        return this.send(m.formMessage(forms));
      }
      case 'pause':
        if (!active) return this.repeat();
        s.paused = true;
        return this.say('pause.done');
      case 'skip':
        if (s.phase !== 'question') return this.repeat();
        return this.skip();
      case 'back':
        if (s.phase !== 'question') return this.repeat();
        return this.back();
      default:
        this.say('help.unknown_command');
        return this.repeat();
    }
  }

  // ---- phases with buttons --------------------------------------------------------------

  /** Resolves typed numbers ("2", "٢") to the n-th button of the current prompt. */
  private buttonData(input: EngineInput): string | null {
    if (input.kind === 'button') return input.data;
    if (input.kind !== 'text') return null;
    const n = Number(input.text.replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x660)).replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x6f0)).trim());
    const flat = (this.prompt().buttons ?? []).flat();
    return Number.isInteger(n) && n >= 1 && n <= flat.length ? flat[n - 1]!.data : null;
  }

  private buttonPhase(input: EngineInput): void {
    const s = this.s;
    const data = this.buttonData(input);
    if (data === null) {
      this.issue(input.kind === 'unsupported' ? { code: 'unsupported', params: { what: input.what } } : { code: 'not_a_choice', params: { count: (this.prompt().buttons ?? []).flat().length } });
      return;
    }
    const [kind, a, b] = data.split(':');
    s.paused = false;
    switch (s.phase) {
      case 'language':
        if (kind !== 'lang' || !a || !this.survey.languages.includes(a)) return this.stale();
        s.language = a;
        if (s.returnTo) return this.resumeFromInterrupt();
        s.phase = 'consent';
        return this.send(m.consentMessage(this.survey));
      case 'consent':
        if (kind !== 'consent') return this.stale();
        if (a === 'no') {
          s.phase = 'declined';
          this.out.push({ type: 'declined', consentVersion: this.survey.consent.version });
          return this.say('consent.declined');
        }
        s.consentVersion = this.survey.consent.version;
        this.consent('participation', null, true);
        this.say('consent.thanks');
        if (this.forms().length > 1) { s.phase = 'form'; return this.send(m.formMessage(this.forms())); }
        return this.askFrom(0);
      case 'form':
        if (kind !== 'form' || !this.forms().includes(a as PromptForm)) return this.stale();
        s.form = a as PromptForm;
        s.formChosen = true;
        if (s.returnTo) return this.resumeFromInterrupt();
        return this.askFrom(0);
      case 'erase_confirm':
        if (kind !== 'erase') return this.stale();
        if (a === 'yes') {
          this.out.push({ type: 'erase' });
          s.phase = 'declined';
          return this.say('erase.done');
        }
        this.say('erase.kept');
        return this.resumeFromInterrupt();
      case 'recontact_red': {
        const theme = s.pendingThemes[0];
        if (kind !== 'rc' || theme === undefined || a !== theme) return this.stale();
        this.decideTheme(theme, b === 'yes');
        s.pendingThemes = s.pendingThemes.slice(1);
        this.say(b === 'yes' ? 'recontact.thanks_yes' : 'recontact.thanks_no');
        return this.continueAfterThemes();
      }
      case 'recontact':
        if (kind !== 'rcall') return this.stale();
        if (a === 'no') {
          for (const t of this.undecidedThemes()) this.decideTheme(t, false);
          return this.finish();
        }
        s.phase = 'recontact_themes';
        s.themeDraft = [];
        return this.send(m.themesMessage(this.undecidedThemes(), []));
      case 'recontact_themes': {
        const themes = this.undecidedThemes();
        if (kind === 'th' && a && themes.includes(a)) {
          const draft = s.themeDraft ?? [];
          s.themeDraft = draft.includes(a) ? draft.filter((t) => t !== a) : [...draft, a];
          return this.send(m.themesMessage(themes, s.themeDraft));
        }
        if (kind !== 'thd') return this.stale();
        const chosen = s.themeDraft ?? [];
        for (const t of themes) this.decideTheme(t, chosen.includes(t));
        s.themeDraft = null;
        return this.afterRecontact();
      }
      case 'expertpool':
        if (kind !== 'ep') return this.stale();
        this.consent('expertpool', null, a === 'yes');
        return this.finish();
      default:
        return this.stale();
    }
  }

  // ---- questions ------------------------------------------------------------------------

  private question(input: EngineInput): void {
    const s = this.s;
    const q = this.currentQuestion();
    if (!q) return this.askFrom(0);
    if (input.kind === 'button') {
      const [kind, qid, value] = input.data.split(':');
      if (qid !== q.id || !['a', 'm', 'md', 'skip'].includes(kind ?? '')) return this.stale();
      s.paused = false;
      if (kind === 'skip') return this.skip();
      if (kind === 'm') {
        const draft = s.multiDraft ?? [];
        s.multiDraft = draft.includes(value!) ? draft.filter((x) => x !== value) : [...draft, value!];
        return this.send(m.questionMessage(this.survey, q, s, 'text'));
      }
      if (kind === 'md') return this.accept(q, parseAnswer(q, { kind: 'button', data: (s.multiDraft ?? []).join(',') }));
      return this.accept(q, parseAnswer(q, { kind: 'button', data: value ?? '' }));
    }
    if (this.returning && (input.kind !== 'text' || !parseAnswer(q, input).ok)) {
      s.paused = false;
      this.say('resume.welcome_back');
      return this.repeat();
    }
    s.paused = false;
    return this.accept(q, parseAnswer(q, input));
  }

  private accept(q: Question, result: ReturnType<typeof parseAnswer>): void {
    if (!result.ok) return this.issue(result.issue);
    this.record(q, result.answer, false);
    return this.askFrom(q.index + 1);
  }

  private record(q: Question, a: ParsedAnswer, skipped: boolean): void {
    const s = this.s;
    // Conditions compare single choices as a string and multi choices as a list.
    const choice = a.valueChoices && q.type !== 'multi' ? (a.valueChoices[0] ?? null) : a.valueChoices;
    const value = skipped ? null : (a.valueNumber ?? choice ?? a.valueDate ?? (a.valueText !== null || a.media ? true : null));
    const light = skipped ? null : trafficLight(q.traffic, a.valueNumber ?? a.valueChoices);
    this.out.push({
      type: 'answer',
      answer: {
        id: this.ctx.newId(), questionId: q.id, parentQuestionId: q.parent, indicator: q.indicator, outcome: q.outcome,
        questionType: q.type, ...a, skipped, language: s.language!, promptForm: s.deliveredForm, traffic: light,
        consentVersion: s.consentVersion!, answeredAt: this.ctx.now, sourceMessageId: this.ctx.messageId,
      },
    });
    if (this.survey.referenced.has(q.id)) s.values[q.id] = value as StoredValue;
    s.answeredCount += 1;
    s.invalidStreak = 0;
    s.multiDraft = null;
    s.prev = q.id;
    if (light === 'red' && q.indicator && this.survey.recontact.afterRed && !this.isDecided(q.indicator) && !s.pendingThemes.includes(q.indicator)) {
      s.pendingThemes = [...s.pendingThemes, q.indicator];
    }
  }

  private skip(): void {
    const q = this.currentQuestion();
    if (!q) return this.repeat();
    if (q.required) return this.issue({ code: 'required' });
    this.record(q, { valueNumber: null, valueChoices: null, valueText: null, valueDate: null, modality: 'none', media: null }, true);
    this.say('common.skipped');
    return this.askFrom(q.index + 1);
  }

  private back(): void {
    const s = this.s;
    const prev = s.prev ? this.survey.byId.get(s.prev) : undefined;
    if (!prev || prev.id === s.current) return this.issue({ code: 'cannot_go_back' });
    s.prev = null;
    s.multiDraft = null;
    this.deliver(prev);
  }

  /** Moves to the first question at or after `index` whose condition holds, or to the end. */
  private askFrom(index: number): void {
    const s = this.s;
    let next: Question | undefined;
    for (let i = index; i < this.survey.questions.length; i++) {
      const q = this.survey.questions[i]!;
      if (!evaluate(q.when, s.values)) continue;
      if (q.type === 'note') { this.send(m.questionMessage(this.survey, q, s, s.form)); continue; }
      next = q;
      break;
    }
    // Ask about a red theme once the follow-ups of the red answer are done.
    const leavingChain = !next || next.parent === null;
    if (s.pendingThemes.length > 0 && leavingChain) {
      s.current = next?.id ?? null;
      s.phase = 'recontact_red';
      return this.send(m.recontactRedMessage(s.pendingThemes[0]!));
    }
    if (!next) return this.end();
    s.phase = 'question';
    this.deliver(next);
  }

  private deliver(q: Question): void {
    const s = this.s;
    s.phase = 'question';
    s.current = q.id;
    const message = m.questionMessage(this.survey, q, s, s.form);
    s.deliveredForm = message.media?.form ?? 'text';
    this.send(message);
  }

  private continueAfterThemes(): void {
    const s = this.s;
    if (s.pendingThemes.length > 0) return this.send(m.recontactRedMessage(s.pendingThemes[0]!));
    const next = s.current ? this.survey.byId.get(s.current) : undefined;
    return next ? this.deliver(next) : this.end();
  }

  // ---- the end --------------------------------------------------------------------------

  private end(): void {
    const s = this.s;
    s.current = null;
    if (this.survey.recontact.atEnd && this.undecidedThemes().length > 0) {
      s.phase = 'recontact';
      return this.send(m.recontactMessage());
    }
    return this.afterRecontact();
  }

  private afterRecontact(): void {
    const s = this.s;
    if (this.survey.recontact.expertpool && s.grantedThemes.length > 0) {
      s.phase = 'expertpool';
      return this.send(m.expertpoolMessage());
    }
    return this.finish();
  }

  private finish(): void {
    const s = this.s;
    s.phase = 'completed';
    s.completedAt = this.ctx.now;
    this.send({ parts: [m.surveyText(this.survey.completionKey)] });
  }

  // ---- helpers --------------------------------------------------------------------------

  private undecidedThemes(): string[] {
    return this.survey.indicators.filter((t) => !this.isDecided(t));
  }

  private isDecided(theme: string): boolean {
    return this.s.grantedThemes.includes(theme) || this.s.refusedThemes.includes(theme);
  }

  private decideTheme(theme: string, granted: boolean): void {
    const s = this.s;
    if (granted) s.grantedThemes = [...s.grantedThemes, theme];
    else s.refusedThemes = [...s.refusedThemes, theme];
    this.consent('recontact', theme, granted);
  }

  private consent(kind: 'participation' | 'recontact' | 'expertpool', theme: string | null, granted: boolean): void {
    const version = kind === 'participation' ? this.survey.consent.version : this.survey.recontact.version;
    this.out.push({ type: 'consent', consent: { kind, theme, version, granted, recordedAt: this.ctx.now } });
  }

  private forms(): PromptForm[] {
    return this.survey.formsByLanguage[this.s.language ?? this.survey.defaultLanguage] ?? ['text'];
  }

  private currentQuestion(): Question | undefined {
    return this.s.current ? this.survey.byId.get(this.s.current) : undefined;
  }

  private resumeFromInterrupt(): void {
    const s = this.s;
    const back: Phase = s.returnTo ?? 'question';
    s.returnTo = null;
    s.phase = back;
    // Re-delivers the interrupted prompt, now in the new language or form.
    return this.repeat();
  }

  /** The prompt of the current phase, as it would be sent now. */
  prompt(): Message {
    const s = this.s;
    switch (s.phase) {
      case 'language': return m.languageMessage(this.survey, s.language ?? s.languageHint);
      case 'consent': return m.consentMessage(this.survey);
      case 'form': return m.formMessage(this.forms());
      case 'question': {
        const q = this.currentQuestion();
        return q ? m.questionMessage(this.survey, q, s, s.form) : m.say('help.text');
      }
      case 'recontact_red': return m.recontactRedMessage(s.pendingThemes[0] ?? '');
      case 'recontact': return m.recontactMessage();
      case 'recontact_themes': return m.themesMessage(this.undecidedThemes(), s.themeDraft ?? []);
      case 'expertpool': return m.expertpoolMessage();
      case 'erase_confirm': return m.eraseConfirmMessage();
      case 'completed': return m.say('completed.already');
      case 'stopped': return m.say('stop.still_stopped');
      case 'declined': return m.say('consent.declined');
    }
  }

  /** Sends the current prompt again (after help, an issue, a language switch…). */
  private repeat(): void {
    const s = this.s;
    if (s.phase === 'question') {
      const q = this.currentQuestion();
      return q ? this.deliver(q) : this.askFrom(0);
    }
    this.send(this.prompt());
  }

  private issue(issue: AnswerIssue): void {
    const s = this.s;
    s.invalidStreak += 1;
    const parts: Message['parts'] = [m.bot(`issue.${issue.code}`, issue.params)];
    if (s.invalidStreak >= HELP_AFTER_INVALID) parts.push(m.bot('issue.need_help'));
    this.send({ parts });
    this.repeat();
  }

  private stale(): void {
    this.send(m.say('issue.stale_button'));
    this.repeat();
  }

  private say(key: string, params?: Record<string, string | number>): void {
    this.send(m.say(key, params));
  }

  private send(message: Message): void {
    this.out.push(send(message));
  }
}
