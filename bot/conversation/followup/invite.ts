/**
 * Sending follow-up invitations: per case, in one transaction, the localized message goes
 * into the outbox, the case becomes "invited" and the audit log records it; then the outbox
 * is flushed through the respondent's channel. The address is read and used here only.
 * A group-session invitation goes only to people whose latest expertpool decision is yes.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import type { Store } from '../../../storage/store.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import { invitationMessage, type Invitation } from './message.ts';

export interface InviteDeps {
  store: Store;
  i18n: I18n;
  delivery: Delivery;
  newId: () => string;
  now: () => Date;
  /** The keyed hash of an address on the do-not-contact list. */
  suppressionKey: (channel: string, address: string) => string;
}

/** `suppressed`: cases whose respondent said STOP since (on the do-not-contact list); not invited. */
export async function inviteCases(
  deps: InviteDeps,
  actor: string,
  caseIds: readonly string[],
  inv: Invitation,
  pilot: string,
): Promise<{ sent: number; unreachable: number; notInExpertpool: number; suppressed: number; withdrawn: number }> {
  let sent = 0;
  let unreachable = 0;
  let notInExpertpool = 0;
  let suppressed = 0;
  let withdrawn = 0;
  const flushes: Array<{ channel: string; address: string }> = [];
  for (const caseId of caseIds) {
    const now = deps.now().toISOString();
    const outcome = await deps.store.transaction(async (tx) => {
      const followup = tx.followup;
      const c = await followup.get(caseId);
      if (!c || c.pilotCode !== pilot) return null;
      // The case was opened on a recontact yes; a later no for the theme withdraws it.
      if (!c.recontact) {
        await followup.audit({ id: deps.newId(), at: now, actor, action: 'invite_no_recontact', caseId, detail: { template: inv.template } });
        return 'no_recontact' as const;
      }
      if (inv.template === 'session' && !c.expertpool) {
        await followup.audit({ id: deps.newId(), at: now, actor, action: 'invite_not_in_expertpool', caseId, detail: { template: inv.template } });
        return 'not_in_expertpool' as const;
      }
      const to = await followup.recipient(caseId);
      if (!to) {
        await followup.audit({ id: deps.newId(), at: now, actor, action: 'invite_unreachable', caseId, detail: { template: inv.template } });
        return 'unreachable' as const;
      }
      if (await tx.suppressions(deps.suppressionKey).isSuppressed(to.channel, to.address)) {
        await followup.audit({ id: deps.newId(), at: now, actor, action: 'invite_suppressed', caseId, detail: { template: inv.template } });
        return 'suppressed' as const;
      }
      const message = invitationMessage(deps.i18n, to.language ?? 'en', caseId, c.indicator, inv);
      await deps.delivery.enqueue(tx, [
        // A campaign message: it waits for room in the channel's budget, after conversations.
        {
          id: deps.newId(),
          respondentId: to.respondentId,
          channel: to.channel,
          address: to.address,
          payload: { ...message, purpose: 'invitation' },
          createdAt: now,
          priority: 'campaign',
        },
      ]);
      await followup.update(caseId, { status: 'invited', rsvp: null, invitation: JSON.stringify(inv) }, now);
      await followup.audit({ id: deps.newId(), at: now, actor, action: 'invite', caseId, detail: { ...inv, language: message.language } });
      flushes.push({ channel: to.channel, address: to.address });
      return 'sent' as const;
    });
    if (outcome === 'sent') sent++;
    else if (outcome === 'unreachable') unreachable++;
    else if (outcome === 'not_in_expertpool') notInExpertpool++;
    else if (outcome === 'suppressed') suppressed++;
    else if (outcome === 'no_recontact') withdrawn++;
  }
  // After the commits: a channel that is down leaves the invitations in the outbox for the retry timer.
  for (const f of flushes) await deps.delivery.flush(f.channel, f.address).catch(() => 0);
  return { sent, unreachable, notInExpertpool, suppressed, withdrawn };
}
