/**
 * Checks that every answer button of a survey fits Telegram's 64-byte `callback_data`.
 *
 * Ids are short one by one, but a multi-choice option carries question id and choice id
 * together; Telegram refuses the whole keyboard when one button is too long.
 * @module
 */
import { BUTTON_DATA_MAX_BYTES, encodeButton, fitsButton } from '../engine/buttons.ts';
import type { FlatQuestion } from './flat.ts';
import { error, type RawIssue } from './issues.ts';

export function checkButtonSizes(flat: readonly FlatQuestion[], out: RawIssue[]): void {
  for (const f of flat) {
    const q = f.q;
    if (q.type !== 'single' && q.type !== 'multi') continue;
    q.choices.forEach((c, k) => {
      const choice = typeof c === 'string' ? c : c.id;
      const data = encodeButton(q.type === 'multi' ? { kind: 'toggle', question: q.id, choice } : { kind: 'answer', question: q.id, value: choice });
      if (fitsButton(data)) return;
      const path = typeof c === 'string' ? [...f.path, 'choices', k] : [...f.path, 'choices', k, 'id'];
      const over = new TextEncoder().encode(data).length - BUTTON_DATA_MAX_BYTES;
      out.push(
        error(
          path,
          `question id "${q.id}" and choice id "${choice}" together are ${over} character${over === 1 ? '' : 's'} too long for a chat button (at most ${BUTTON_DATA_MAX_BYTES - 3} for both); shorten one of them`,
        ),
      );
    });
  }
}
