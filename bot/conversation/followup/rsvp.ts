/**
 * Replies to follow-up invitations, taken out of the inbound path before the survey engine
 * (which knows nothing of invitations): the answer goes into the case, the audit log gets a
 * line, and the respondent gets a thank-you in their language — all in the inbound transaction.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import type { Rsvp } from '../../../storage/followup.ts';
import type { InboundInterceptor } from '../handler.ts';
import { parseRsvpButton, parseTypedRsvp, thanksMessage } from './message.ts';

export function rsvpInterceptor(deps: { i18n: I18n; newId: () => string }): InboundInterceptor {
  return async (tx, msg, respondentId, now) => {
    const followup = tx.followup;
    let caseId: string | undefined;
    let rsvp: Rsvp | null = null;
    if (msg.content.kind === 'button') {
      const b = parseRsvpButton(msg.content.data);
      if (!b) return null;
      ({ caseId, rsvp } = b);
    } else if (msg.content.kind === 'text') {
      // Typed replies count only while an invitation waits and no survey question does.
      caseId = await followup.awaitingReply(respondentId);
      if (!caseId) return null;
      const session = await tx.findSession(respondentId);
      if (session && session.state.phase !== 'completed') return null;
      rsvp = parseTypedRsvp(deps.i18n, session?.state.language ?? 'en', msg.content.text);
      if (!rsvp) return null;
    } else {
      return null;
    }
    const c = await followup.get(caseId);
    // Someone else's (or an erased) case: not an answer of this person.
    if (!c || c.respondentId !== respondentId) return null;
    await followup.update(c.id, { rsvp, ...(rsvp === 'maybe' ? {} : { status: rsvp }) }, now);
    await followup.audit({ id: deps.newId(), at: now, actor: 'respondent', action: 'rsvp', caseId: c.id, detail: { rsvp, channel: msg.channel } });
    return [thanksMessage(deps.i18n, c.language ?? 'en', rsvp)];
  };
}
