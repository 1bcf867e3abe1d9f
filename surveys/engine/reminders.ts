/**
 * Reminders for people who stop halfway: when each is due, quiet hours, and the closing
 * step (session expiry). Pure: the caller passes the clock and the settings, and turns the
 * returned messages into sends.
 *
 * Quiet hours are wall-clock times in one time zone (the respondent's when known, else the
 * configured default), so "never after 21:00" holds across daylight-saving changes.
 * @module
 */
import type { Survey } from '../model.ts';
import { promptFor } from './prompt.ts';
import type { Message, SessionState, Step, Text } from './types.ts';

export interface ReminderSettings {
  /** Delay of each reminder after the last activity, in ms; e.g. [24 h, 72 h]. Empty = no reminders. */
  delaysMs: readonly number[];
  /** Minutes after midnight: no message from `quietStart` until `quietEnd` (may wrap midnight). */
  quietStart: number;
  quietEnd: number;
  timeZone: string;
  /** After this long without activity the session is closed with a polite message; 0 = never. */
  expireAfterMs: number;
}

/** Phases in which someone is halfway: consented, not finished, not stopped. */
const FINISHED = new Set(['completed', 'stopped', 'declined', 'erase_confirm']);

/** True when a reminder may be sent for this state at all. */
export function wantsReminder(s: SessionState): boolean {
  return s.consentVersion !== null && !FINISHED.has(s.phase);
}

/** Minutes after local midnight of `at` in `timeZone`. */
// Building an Intl.DateTimeFormat costs far more than using one; every answer asks (issue 20).
// Using one still costs a formatToParts; a time zone's offset changes only on a whole minute,
// so the answer per UTC minute is kept. Several minutes per time zone: one answer asks about
// now and about its reminder a day later, and a single kept minute missed every time.
const clocks = new Map<string, { format: Intl.DateTimeFormat; minutes: Map<number, number> }>();
const MINUTES_KEPT = 64;
export function localMinutes(at: Date, timeZone: string): number {
  let clock = clocks.get(timeZone);
  if (!clock) {
    clock = { format: new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }), minutes: new Map() };
    clocks.set(timeZone, clock);
  }
  const minute = Math.floor(at.getTime() / 60_000);
  let local = clock.minutes.get(minute);
  if (local === undefined) {
    const parts = clock.format.formatToParts(at);
    const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
    local = get('hour') * 60 + get('minute');
    // Bounded: the oldest kept minute goes first (Maps keep insertion order).
    if (clock.minutes.size >= MINUTES_KEPT) clock.minutes.delete(clock.minutes.keys().next().value!);
    clock.minutes.set(minute, local);
  }
  return local;
}

export function inQuietHours(at: Date, s: Pick<ReminderSettings, 'quietStart' | 'quietEnd' | 'timeZone'>): boolean {
  if (s.quietStart === s.quietEnd) return false;
  const m = localMinutes(at, s.timeZone);
  return s.quietStart < s.quietEnd ? m >= s.quietStart && m < s.quietEnd : m >= s.quietStart || m < s.quietEnd;
}

/** `at`, or the end of the quiet hours it falls in (the first minute messages are allowed again). */
export function nextAllowed(at: Date, s: Pick<ReminderSettings, 'quietStart' | 'quietEnd' | 'timeZone'>): Date {
  if (!inQuietHours(at, s)) return at;
  const m = localMinutes(at, s.timeZone);
  const wait = (s.quietEnd - m + 1440) % 1440;
  const start = Math.floor(at.getTime() / 60_000) * 60_000; // whole minutes, like the quiet-hours bounds
  let candidate = new Date(start + wait * 60_000);
  // A daylight-saving change in between shifts local time by the offset difference; correct once.
  const drift = localMinutes(candidate, s.timeZone) - s.quietEnd;
  if (drift !== 0 && Math.abs(drift) <= 120) candidate = new Date(candidate.getTime() - drift * 60_000);
  return inQuietHours(candidate, s) ? new Date(candidate.getTime() + 60_000) : candidate;
}

export type ReminderStep = { kind: 'remind'; step: number; at: Date } | { kind: 'expire'; at: Date };

/**
 * What comes after `step` reminders were sent since the last activity: the next reminder,
 * the expiry, or nothing. Times are pushed out of quiet hours.
 */
export function nextStep(lastActivityAt: string, sent: number, s: ReminderSettings): ReminderStep | null {
  const last = Date.parse(lastActivityAt);
  const delay = s.delaysMs[sent];
  if (delay !== undefined) return { kind: 'remind', step: sent, at: nextAllowed(new Date(last + delay), s) };
  if (s.expireAfterMs <= 0) return null;
  const lastReminder = s.delaysMs.length ? last + s.delaysMs[s.delaysMs.length - 1]! : last;
  return { kind: 'expire', at: nextAllowed(new Date(Math.max(last + s.expireAfterMs, lastReminder)), s) };
}

const reminderText = (key: string): Text => ({ ns: 'reminders', key });

/** The reminder: a short nudge (first and later ones differ), then the question they stopped at. */
export function reminderMessage(survey: Survey, state: SessionState, step: number): Message {
  const prompt = promptFor(survey, state);
  const nudge = reminderText(step === 0 ? 'nudge.first' : 'nudge.later');
  const out: Message = { parts: [nudge, ...prompt.parts] };
  if (prompt.buttons) out.buttons = prompt.buttons;
  if (prompt.media) out.media = prompt.media;
  return out;
}

/**
 * Closes a session nobody came back to: it becomes stopped (answers kept, their next message
 * resumes where they left off) with a polite closing message. Reached through
 * `advance(…, { kind: 'expire' })`; a finished session stays as it is.
 */
export function expire(state: SessionState): Step {
  if (!wantsReminder(state)) return { state, effects: [] };
  const next: SessionState = { ...state, returnTo: state.phase, phase: 'stopped', stoppedBy: 'expiry' };
  return { state: next, effects: [{ type: 'send', message: { parts: [reminderText('closing')] } }] };
}
