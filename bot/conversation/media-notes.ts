/**
 * The short, localized note a respondent gets when their voice note or video cannot be used
 * (too large, not audio, damaged…). Queued through delivery like any reply, so it survives a
 * crash and is delivered by whichever process runs the channel.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { MediaAnswer } from '../../storage/media.ts';
import type { Store } from '../../storage/store.ts';
import type { RejectReason } from '../../workers/media/errors.ts';
import type { Delivery } from '../delivery/outbox.ts';
import type { Renderer } from './render.ts';

export interface MediaNoteDeps {
  store: Store;
  renderer: Renderer;
  limits: { maxBytes: number; maxSeconds: number };
  /** Queues the note and delivers it now when this process runs the channel (else the bot's retry does). */
  delivery: Delivery;
  log: Logger;
  now?: () => Date;
  newId?: () => string;
}

export function mediaRejectionNotifier(deps: MediaNoteDeps): (answer: MediaAnswer, reason: RejectReason) => Promise<void> {
  const newId = deps.newId ?? randomUUID;
  return async (answer, reason) => {
    const address = await deps.store.contactAddress(answer.respondentId, answer.channel);
    if (!address) return; // erased meanwhile: nobody to tell
    const message = deps.renderer.render(
      {
        parts: [
          {
            ns: 'bot',
            key: `media_rejected.${reason}`,
            params: { max: Math.round(deps.limits.maxBytes / 1024 / 1024), minutes: Math.round(deps.limits.maxSeconds / 60) },
          },
          { ns: 'bot', key: 'media_rejected.retry' },
        ],
      },
      answer.language,
      'bot',
    );
    const createdAt = (deps.now?.() ?? new Date()).toISOString();
    await deps.store.transaction((tx) =>
      deps.delivery.enqueue(tx, [{ id: newId(), respondentId: answer.respondentId, channel: answer.channel, address, payload: message, createdAt }]),
    );
    await deps.delivery
      .flush(answer.channel, address)
      .catch((e: Error) => deps.log.warn({ channel: answer.channel, err: e.message }, 'media note kept in the outbox'));
  };
}
