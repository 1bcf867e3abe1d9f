/**
 * One input, one message: the engine's replies to one input folded into a turn.
 *
 * The engine says things in steps ("Skipped.", then the next question; "Thank you", then
 * question 1; an issue, then the question again). Under Telegram's limits (about 30 messages
 * a second per bot, one a second per chat) and WhatsApp's pacing, every message waits its
 * turn, so what decides how many people finish per minute is the number of messages per
 * answer. Here a text-only message (no buttons, no recorded prompt) is folded into the
 * message after it; the domain effects stay as the engine wrote them.
 * @module
 */
import type { Message } from '../../surveys/engine/types.ts';

/** Only text: nothing a channel must send on its own. */
const textOnly = (m: Message): boolean => !m.buttons?.length && !m.media && !m.redraw;

/**
 * Folds `messages` (in order) into as few as possible. Each text-only message joins the one
 * after it (its parts first); one left at the end joins the one before it (its parts last,
 * above that one's buttons). Messages in different languages, two recorded prompts, and two
 * keyboards never share a message. `lng` is the language of a message that names none.
 */
export function foldTurn(messages: readonly Message[], lng: string): Message[] {
  const language = (m: Message) => m.language ?? lng;
  const out: Message[] = [];
  let pending: Message | null = null;
  for (const m of messages) {
    if (pending && language(pending) === language(m)) {
      const merged: Message = { ...m, parts: [...pending.parts, ...m.parts] };
      // The merged text is new: a redraw would overwrite the tapped prompt with more than the prompt.
      delete merged.redraw;
      pending = null;
      if (textOnly(merged)) pending = merged;
      else out.push(merged);
      continue;
    }
    if (pending) out.push(pending);
    pending = null;
    if (textOnly(m)) pending = m;
    else out.push(m);
  }
  if (pending) {
    const last = out.at(-1);
    if (last && !last.redraw && language(last) === language(pending)) out[out.length - 1] = { ...last, parts: [...last.parts, ...pending.parts] };
    else out.push(pending);
  }
  return out;
}
