/**
 * The button codec: every button the bot shows, as a typed value, and its wire string.
 *
 * Button data travels through Telegram `callback_data` (at most 64 bytes), WhatsApp
 * numbered replies and the try-it page, and comes back days later when someone taps an old
 * keyboard. So the wire format is fixed (`kind:arg:arg`, as sent since the first pilot) and
 * {@link decodeButton} reads anything: foreign or garbled data gives `null`, never a throw.
 * @module
 */
import type { PromptForm } from '../model.ts';

export type YesNo = 'yes' | 'no';
export const RSVP_REPLIES = ['accepted', 'declined', 'maybe'] as const;
export type RsvpReply = (typeof RSVP_REPLIES)[number];

export type ButtonData =
  | { kind: 'language'; lng: string }
  | { kind: 'consent'; answer: YesNo }
  | { kind: 'form'; form: PromptForm }
  /** An answer to a question: a scale value, a choice id or yes/no. */
  | { kind: 'answer'; question: string; value: string }
  /** Ticks or unticks one option of a multi-choice question. */
  | { kind: 'toggle'; question: string; choice: string }
  /** "Done" under a multi-choice question. */
  | { kind: 'done'; question: string }
  | { kind: 'skip'; question: string }
  /** "May we contact you about <theme>?" after a red answer. */
  | { kind: 'recontact_theme'; theme: string; answer: YesNo }
  /** "May we contact you again?" near the end. */
  | { kind: 'recontact'; answer: YesNo }
  | { kind: 'theme'; theme: string }
  | { kind: 'themes_done' }
  | { kind: 'expertpool'; answer: YesNo }
  | { kind: 'erase'; answer: YesNo }
  /** A reply to a follow-up invitation (bot/conversation/followup). */
  | { kind: 'rsvp'; caseId: string; rsvp: RsvpReply };

export type ButtonKind = ButtonData['kind'];

/** Telegram's limit on `callback_data`, in UTF-8 bytes. */
export const BUTTON_DATA_MAX_BYTES = 64;

export function encodeButton(b: ButtonData): string {
  switch (b.kind) {
    case 'language':
      return `lang:${b.lng}`;
    case 'consent':
      return `consent:${b.answer}`;
    case 'form':
      return `form:${b.form}`;
    case 'answer':
      return `a:${b.question}:${b.value}`;
    case 'toggle':
      return `m:${b.question}:${b.choice}`;
    case 'done':
      return `md:${b.question}`;
    case 'skip':
      return `skip:${b.question}`;
    case 'recontact_theme':
      return `rc:${b.theme}:${b.answer}`;
    case 'recontact':
      return `rcall:${b.answer}`;
    case 'theme':
      return `th:${b.theme}`;
    case 'themes_done':
      return 'thd';
    case 'expertpool':
      return `ep:${b.answer}`;
    case 'erase':
      return `erase:${b.answer}`;
    case 'rsvp':
      return `rsvp:${b.caseId}:${b.rsvp}`;
  }
}

/** True when `data` fits Telegram's callback_data limit. */
export function fitsButton(data: string): boolean {
  return new TextEncoder().encode(data).length <= BUTTON_DATA_MAX_BYTES;
}

const FORMS: readonly string[] = ['text', 'audio', 'video'];
/** One argument: non-empty, no separator. */
const ARG = /^[^:]{1,64}$/;
const yesNo = (s: string | undefined): YesNo | null => (s === 'yes' || s === 'no' ? s : null);
const arg = (s: string | undefined): string | null => (s !== undefined && ARG.test(s) ? s : null);

/** Reads button data back; `null` for anything this codec did not write. */
export function decodeButton(data: string): ButtonData | null {
  if (typeof data !== 'string' || data.length > 256) return null;
  const [kind, a, b, ...extra] = data.split(':');
  if (extra.length > 0) return null;
  const one = b === undefined;
  switch (kind) {
    case 'lang': {
      const lng = arg(a);
      return lng && one ? { kind: 'language', lng } : null;
    }
    case 'consent': {
      const answer = yesNo(a);
      return answer && one ? { kind: 'consent', answer } : null;
    }
    case 'form':
      return a !== undefined && one && FORMS.includes(a) ? { kind: 'form', form: a as PromptForm } : null;
    case 'a': {
      const question = arg(a);
      const value = arg(b);
      return question && value ? { kind: 'answer', question, value } : null;
    }
    case 'm': {
      const question = arg(a);
      const choice = arg(b);
      return question && choice ? { kind: 'toggle', question, choice } : null;
    }
    case 'md': {
      const question = arg(a);
      return question && one ? { kind: 'done', question } : null;
    }
    case 'skip': {
      const question = arg(a);
      return question && one ? { kind: 'skip', question } : null;
    }
    case 'rc': {
      const theme = arg(a);
      const answer = yesNo(b);
      return theme && answer ? { kind: 'recontact_theme', theme, answer } : null;
    }
    case 'rcall': {
      const answer = yesNo(a);
      return answer && one ? { kind: 'recontact', answer } : null;
    }
    case 'th': {
      const theme = arg(a);
      return theme && one ? { kind: 'theme', theme } : null;
    }
    case 'thd':
      return a === undefined ? { kind: 'themes_done' } : null;
    case 'ep': {
      const answer = yesNo(a);
      return answer && one ? { kind: 'expertpool', answer } : null;
    }
    case 'erase': {
      const answer = yesNo(a);
      return answer && one ? { kind: 'erase', answer } : null;
    }
    case 'rsvp': {
      const caseId = arg(a);
      const rsvp = RSVP_REPLIES.find((r) => r === b);
      return caseId && rsvp ? { kind: 'rsvp', caseId, rsvp } : null;
    }
    default:
      return null;
  }
}

/** The yes/no a button stands for, if it is a yes/no button (so a typed "ja" can tap it). */
export function yesNoOf(b: ButtonData): YesNo | null {
  switch (b.kind) {
    case 'consent':
    case 'recontact':
    case 'recontact_theme':
    case 'expertpool':
    case 'erase':
      return b.answer;
    case 'answer':
      return yesNo(b.value);
    default:
      return null;
  }
}
