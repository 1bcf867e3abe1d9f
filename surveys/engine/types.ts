/**
 * The data at the engine's seams: session state, inputs, effects.
 *
 * The engine is pure: `start`/`advance` take these and return these. Everything a caller
 * must do — store an answer, send a message, erase a respondent — is an {@link Effect}.
 * @module
 */
import type { MediaKind, PromptForm, TrafficLight } from '../model.ts';

/** The shape version of {@link SessionState}; older stored states are migrated by ./state.ts. */
export const STATE_VERSION = 3;

export type Phase =
  | 'language' // choosing a language
  | 'consent' // asked to take part
  | 'form' // choosing read / listen / watch
  | 'question' // answering `current`
  | 'recontact_red' // "may we contact you about <theme>?" after a red answer
  | 'recontact' // "may we contact you again?" near the end
  | 'recontact_themes' // which themes
  | 'expertpool' // join a small group conversation?
  | 'erase_confirm' // "really delete everything?"
  | 'declined' // said no to consent (nothing kept but a count)
  | 'stopped' // said STOP; answers kept
  | 'completed';

/** Answer values kept in state, only for questions that conditions read. `null` = skipped. */
export type StoredValue = number | string | string[] | boolean | null;

export interface SessionState {
  v: typeof STATE_VERSION;
  surveyId: string;
  surveyVersion: number;
  phase: Phase;
  /** Where to go back to after an interruption (language switch, erase prompt, red recontact). */
  returnTo: Phase | null;
  /** Who stopped a `stopped` session: the respondent (STOP) or the expiry of an abandoned one. */
  stoppedBy: 'respondent' | 'expiry' | null;
  language: string | null;
  languageHint: string | null;
  /**
   * Every suggestion the channel gave, most likely first, when there was more than one
   * (`languageHint` is the first). Optional, so states saved without it read unchanged.
   */
  languageHints?: string[] | undefined;
  consentVersion: number | null;
  form: PromptForm;
  formChosen: boolean;
  current: string | null;
  /** The form the current question was delivered in (recorded with its answer). */
  deliveredForm: PromptForm;
  prev: string | null;
  values: Record<string, StoredValue>;
  /** Questions answered or skipped; an answer revised after "back" counts once. */
  answeredCount: number;
  multiDraft: string[] | null;
  /** Recontact themes (indicator ids) queued after red answers, and themes already decided. */
  pendingThemes: string[];
  grantedThemes: string[];
  refusedThemes: string[];
  themeDraft: string[] | null;
  invalidStreak: number;
  /** Said "pause": the next message is met with "welcome back" and the question again. */
  paused: boolean;
  startedAt: string;
  lastActivityAt: string;
  completedAt: string | null;
  /** Background questions this session does not ask: answered in an earlier wave (see `StartOptions.known`). */
  skip: string[];
}

/** `unknown` is a command-looking input we do not know ("/foo"); it gets a calm reply. */
export type Command = 'start' | 'help' | 'stop' | 'delete' | 'language' | 'skip' | 'back' | 'pause' | 'form' | 'unknown';
export const COMMANDS: readonly Command[] = ['start', 'help', 'stop', 'delete', 'language', 'skip', 'back', 'pause', 'form', 'unknown'];

export type { MediaKind };
export type Modality = 'button' | 'text' | MediaKind | 'none';

/** What a channel knows about a media answer; enough for a worker to fetch it later. */
export interface MediaRef {
  kind: MediaKind;
  /** Channel-specific handle (Telegram file_id, WhatsApp message key); never an address. */
  fileRef: string;
  uniqueId?: string | undefined;
  mimeType?: string | undefined;
  size?: number | undefined;
  durationSeconds?: number | undefined;
}

/** What a respondent sends, as a channel reports it. */
export type RespondentInput =
  | { kind: 'text'; text: string }
  | { kind: 'button'; data: string }
  | { kind: 'command'; command: Command; arg?: string | undefined }
  | { kind: 'media'; media: MediaRef; caption?: string | undefined }
  /** Stickers, locations, contacts, polls… anything we cannot take as an answer. */
  | { kind: 'unsupported'; what: string };

/**
 * Everything `advance` takes: a respondent's input, or time passing. `expire` closes a
 * session nobody came back to (sent by the reminder queue; not activity, so it leaves
 * `lastActivityAt` alone).
 */
export type EngineInput = RespondentInput | { kind: 'expire' };

export interface EngineContext {
  /** ISO-8601 timestamp of this input. */
  now: string;
  newId: () => string;
  /** The (hashed) id of the message being handled; recorded with answers. */
  messageId: string;
}

/** A translatable text: a key in a locale namespace plus parameters. */
export interface Text {
  ns: 'bot' | 'survey' | 'indicators' | 'reminders' | 'campaigns';
  key: string;
  params?: Record<string, string | number | Text | Text[]> | undefined;
}
export interface Literal {
  literal: string;
}
export interface Button {
  label: Text | Literal;
  data: string;
}

/** A message the respondent should get, before translation. */
export interface Message {
  parts: Array<Text | Literal>;
  buttons?: Button[][] | undefined;
  /** A recorded prompt to send with the text (path relative to the survey's media folder). */
  media?: { form: 'audio' | 'video'; file: string } | undefined;
  /** Language to render in; the renderer uses the session language when absent. */
  language?: string | undefined;
  /**
   * The prompt the input was tapped on, drawn again (a choice toggled): a channel that can
   * edit a sent message updates that one instead of sending a copy.
   */
  redraw?: true | undefined;
}

/** What an answer says, by kind; storage/rows.ts maps it to the value columns. */
export type AnswerValue =
  | { kind: 'number'; number: number }
  /** Single and yes/no answers hold one choice, multi-choice answers one or more. */
  | { kind: 'choices'; choices: string[] }
  | { kind: 'date'; date: string }
  | { kind: 'text'; text: string }
  /** A recording; the caption typed with it, if any. */
  | { kind: 'media'; media: MediaRef; caption: string | null }
  | { kind: 'skipped' };

/** The recording an answer carries, if any. */
export function mediaOf(v: AnswerValue): MediaRef | null {
  return v.kind === 'media' ? v.media : null;
}

export interface AnswerEffect {
  id: string;
  questionId: string;
  parentQuestionId: string | null;
  indicator: string | null;
  outcome: string | null;
  questionType: string;
  value: AnswerValue;
  language: string;
  modality: Modality;
  promptForm: PromptForm;
  traffic: TrafficLight | null;
  consentVersion: number;
  answeredAt: string;
  sourceMessageId: string;
}

export interface ConsentEffect {
  kind: 'participation' | 'recontact' | 'expertpool';
  /** Indicator id for recontact themes; null otherwise. */
  theme: string | null;
  version: number;
  granted: boolean;
  recordedAt: string;
  /** How the question consented to was put: read, heard (audio) or watched (video). */
  promptForm: PromptForm;
}

export type Effect =
  | { type: 'send'; message: Message }
  | { type: 'answer'; answer: AnswerEffect }
  | { type: 'consent'; consent: ConsentEffect }
  /**
   * Consent declined: the caller counts it. A first decline (`priorConsent` null) keeps
   * nothing else and forgets the respondent; declining a new version after consenting to
   * `priorConsent` keeps the answers given under it (the engine asks about deleting them).
   */
  | { type: 'declined'; consentVersion: number; priorConsent: number | null }
  /** Erase everything stored about the respondent (after confirmation). */
  | { type: 'erase' }
  /** An input was not accepted (its reply is a `send`); the caller counts it per question and code. */
  | { type: 'issue'; questionId: string | null; code: AnswerIssueCode };

export interface Step {
  state: SessionState;
  effects: Effect[];
}

/** Why an input was not accepted; rendered from `bot:issue.<code>`. */
export type AnswerIssueCode =
  | 'not_a_number'
  | 'out_of_range'
  | 'not_integer'
  | 'not_a_choice'
  | 'select_more'
  | 'select_fewer'
  | 'not_a_date'
  | 'date_out_of_range'
  | 'too_long'
  | 'empty'
  | 'required'
  | 'expects_media'
  | 'media_not_accepted'
  | 'media_not_expected'
  | 'unsupported'
  | 'stale_button'
  | 'cannot_go_back';

export interface AnswerIssue {
  code: AnswerIssueCode;
  params?: Record<string, string | number>;
}
