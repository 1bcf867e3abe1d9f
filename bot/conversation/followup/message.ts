/**
 * The invitation and its replies as chat messages, in the respondent's language.
 * Buttons are `rsvp` buttons of the one codec (surveys/engine/buttons.ts); WhatsApp shows the same
 * buttons as a numbered list, so "1", "2" or "3" are read as these answers too.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import { decodeButton, encodeButton } from '../../../surveys/engine/buttons.ts';
import { RSVPS, type Rsvp } from '../../../storage/followup.ts';
import type { RenderedMessage } from '../render.ts';

const FSI = '\u2068';
const PDI = '\u2069';
const isolate = (s: string) => `${FSI}${s}${PDI}`;

export const INVITATION_TEMPLATES = ['session', 'call'] as const;
export type InvitationTemplate = (typeof INVITATION_TEMPLATES)[number];

/** What the coordinator chose: a template, a local date-time (YYYY-MM-DDTHH:mm) and a place. */
export interface Invitation {
  template: InvitationTemplate;
  when: string;
  place: string;
}

/** The date-time as the coordinator typed it (wall-clock time), in the respondent's language. */
export function formatWhen(when: string, lng: string): string {
  const d = new Date(`${when}:00Z`);
  try {
    return new Intl.DateTimeFormat(lng, { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(d);
  } catch {
    return new Intl.DateTimeFormat('en', { dateStyle: 'full', timeStyle: 'short', timeZone: 'UTC' }).format(d);
  }
}

export function invitationMessage(i18n: I18n, lng: string, caseId: string, indicator: string, inv: Invitation): RenderedMessage {
  const t = i18n.getFixedT(lng);
  const text = t(`invite.${inv.template}`, {
    ns: 'followup',
    theme: isolate(t(`${indicator}.name`, { ns: 'indicators' })),
    when: isolate(formatWhen(inv.when, lng)),
    place: isolate(inv.place),
  });
  return {
    text,
    language: lng,
    dir: i18n.dir(lng) === 'rtl' ? 'rtl' : 'ltr',
    buttons: RSVPS.map((r) => [{ label: t(`rsvp.${r}`, { ns: 'followup' }), data: encodeButton({ kind: 'rsvp', caseId, rsvp: r }) }]),
  };
}

export function thanksMessage(i18n: I18n, lng: string, rsvp: Rsvp): RenderedMessage {
  return { text: i18n.getFixedT(lng)(`thanks.${rsvp}`, { ns: 'followup' }), language: lng, dir: i18n.dir(lng) === 'rtl' ? 'rtl' : 'ltr' };
}

/** A tapped RSVP button. */
export function parseRsvpButton(data: string): { caseId: string; rsvp: Rsvp } | null {
  const b = decodeButton(data);
  return b?.kind === 'rsvp' ? { caseId: b.caseId, rsvp: b.rsvp } : null;
}

/** A typed reply to the numbered list or a typed label ("ja", "Maybe"), in the respondent's language or English. */
export function parseTypedRsvp(i18n: I18n, lng: string, text: string): Rsvp | null {
  const s = text
    .trim()
    .toLowerCase()
    .replace(/[.!?]+$/, '');
  const n = Number(s);
  if (Number.isInteger(n) && n >= 1 && n <= RSVPS.length) return RSVPS[n - 1]!;
  for (const l of new Set([lng, 'en'])) {
    const t = i18n.getFixedT(l);
    const hit = RSVPS.find((r) => t(`rsvp.${r}`, { ns: 'followup' }).toLowerCase() === s);
    if (hit) return hit;
  }
  return null;
}
