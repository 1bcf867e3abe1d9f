/**
 * Opt-outs that happen outside the engine's view: STOP as someone's very first message (a
 * reply to an invitation, say), and the do-not-contact list kept in step with STOP and START
 * during a survey.
 *
 * The engine already treats STOP mid-survey as a stop; here that also puts the person's
 * addresses on the suppression list, and START (or joining by a new link) takes them off.
 * @module
 */
import type { i18n as I18n } from 'i18next';
import type { EngineInput, Message } from '../../surveys/engine/types.ts';
import { matchLanguage } from '../../surveys/languages.ts';
import type { StoreTx } from '../../storage/store.ts';
import type { SuppressionKeyOf } from '../../storage/suppression.ts';
import type { InboundContent, InboundMessage } from '../channels/port.ts';
import { interpret } from './interpret.ts';

/**
 * The language to answer a first-message STOP in, or null when the message is not a stop.
 * A stop word of any survey language counts (and English ones: WhatsApp users send "STOP" or
 * "unsubscribe" whatever their language). The app's language wins when the channel says it;
 * otherwise the language whose stop word it is, the survey's default first.
 */
export function firstMessageStop(
  content: InboundContent,
  i18n: I18n,
  languages: readonly string[],
  defaultLanguage: string,
  hint: string | undefined,
): string | null {
  const isStop = (lng: string) => {
    const t = i18n.getFixedT(lng);
    // Own words only (the same translator twice), so the match says which language it is.
    const input = interpret(content, { t, tEn: t, prompt: null, promptMessage: null });
    return input.kind === 'command' && input.command === 'stop';
  };
  const candidates = [...new Set([defaultLanguage, ...languages, 'en'])];
  const matched = candidates.find(isStop);
  if (matched === undefined) return null;
  return matchLanguage(hint, languages) ?? matched;
}

/** The calm answer to a first-message STOP. */
export function optedOutMessage(lng: string): Message {
  return { parts: [{ ns: 'bot', key: 'stop.opted_out' }], language: lng };
}

/** Every address the sender is known by on this channel (WhatsApp: phone-number JID and LID). */
const addressesOf = (msg: InboundMessage): string[] => [msg.address, ...(msg.aliases ?? [])];

/** Puts the sender on the do-not-contact list. */
export async function optOut(
  tx: StoreTx,
  keyOf: SuppressionKeyOf,
  msg: InboundMessage,
  source: 'stop-first-message' | 'stop-mid-survey',
  now: string,
): Promise<void> {
  await tx.suppressions(keyOf).suppress(msg.channel, addressesOf(msg), source, now);
}

/**
 * Keeps the list in step with a message in a session: STOP adds the sender, START or a
 * pilot link lifts a standing opt-out (for this person only; recorded on their row).
 */
export async function followOptOut(
  tx: StoreTx,
  keyOf: SuppressionKeyOf,
  msg: InboundMessage,
  input: EngineInput | null,
  joinedByLink: boolean,
  now: string,
): Promise<void> {
  if (input?.kind === 'command' && input.command === 'stop') return optOut(tx, keyOf, msg, 'stop-mid-survey', now);
  const started = input?.kind === 'command' && input.command === 'start';
  if (started || joinedByLink) await tx.suppressions(keyOf).lift(msg.channel, addressesOf(msg), joinedByLink ? 'new-link' : 'start-command', now);
}
