/**
 * Delivering rendered messages over WhatsApp: numbered lists instead of buttons, recorded
 * prompts as voice notes or videos, at a pace that does not look like bulk messaging.
 * @module
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import type { AnyMessageContent, MiscMessageGenerationOptions, WAMessage } from '@whiskeysockets/baileys';
import type { i18n as I18n } from 'i18next';
import { decodeButton } from '../../../surveys/engine/buttons.ts';
import type { ChannelPort } from '../port.ts';
import type { RenderedButton, RenderedMessage } from '../../conversation/render.ts';
import type { SendPacer } from '../pacer.ts';
import type { SendPriority } from '../../../storage/send-priority.ts';
import { ChannelError } from '../errors.ts';
import type { SentLog } from './sent.ts';

/** The longest caption we put under a video (WhatsApp's documented limit for media captions). */
const MAX_CAPTION = 1024;

/** What we need of a Baileys socket to send. */
export interface WhatsAppSender {
  sendMessage(jid: string, content: AnyMessageContent, options?: MiscMessageGenerationOptions): Promise<WAMessage | undefined>;
}

/**
 * Text for a message whose buttons cannot be shown: options as a numbered list whose
 * numbers are what the engine accepts. Scales need no list (their numbers are the answer),
 * a multi-choice "Done" is not needed (people type "1, 3"), and "Skip" becomes the
 * localized SKIP keyword.
 */
export function withNumberedOptions(message: RenderedMessage, skipWord: string): string {
  const flat = (message.buttons ?? []).flat();
  const kindOf = (b: RenderedButton) => decodeButton(b.data)?.kind;
  const skip = flat.find((b) => kindOf(b) === 'skip');
  const options = flat.filter((b) => kindOf(b) !== 'skip' && kindOf(b) !== 'done');
  const isScale =
    options.length > 0 &&
    options.every((b) => {
      const d = decodeButton(b.data);
      return d?.kind === 'answer' && /^-?\d+$/.test(b.label) && d.value === b.label;
    });
  const lines: string[] = [message.text];
  if (options.length && !isScale) lines.push(options.map((b: RenderedButton, i) => `${i + 1}. ${b.label}`).join('\n'));
  if (skip) lines.push(`${skip.label}: ${skipWord}`);
  return lines.join('\n\n');
}

export class WhatsAppChannel implements ChannelPort {
  readonly name = 'whatsapp';

  constructor(
    private readonly connection: { sender(): WhatsAppSender | null },
    private readonly pacer: SendPacer,
    private readonly i18n: I18n,
    /** Keeps what was sent, for Baileys' getMessage (retry receipts). */
    private readonly sent?: SentLog,
  ) {}

  async send(address: string, message: RenderedMessage, meta?: { id: string; respondentId?: string | null; priority?: SendPriority }): Promise<void> {
    const priority = meta?.priority ?? 'conversation';
    const sock = this.connection.sender();
    // Not connected: throw, so the reply stays in the outbox until the connection is back.
    if (!sock) throw new ChannelError('not_connected', 'whatsapp is not connected');
    // A stable id per outbox row and part: a resend after a crash is the same message to WhatsApp.
    const id = (part: string) =>
      meta ? { messageId: `3EB0${createHash('sha256').update(`${meta.id}:${part}`).digest('hex').slice(0, 20).toUpperCase()}` } : {};
    const skipWord = String(this.i18n.t('keywords.skip', { lng: message.language, ns: 'bot' }))
      .split('|')[0]!
      .toUpperCase();
    const text = withNumberedOptions(message, skipWord);
    const respondentId = meta?.respondentId ?? null;
    if (message.media) {
      await this.pacer.wait(address, priority);
      const file = { url: message.media.file };
      const round = basename(message.media.file).endsWith('.round.mp4');
      // One message where WhatsApp allows: a video carries the question as its caption
      // (voice notes and round videos show none, so their question follows as text).
      if (message.media.form === 'video' && !round && text.length <= MAX_CAPTION) {
        await this.keep(await sock.sendMessage(address, { video: file, caption: text }, id('media')), respondentId);
        return;
      }
      const content: AnyMessageContent =
        message.media.form === 'audio' ? { audio: file, mimetype: 'audio/ogg; codecs=opus', ptt: true } : { video: file, ptv: round };
      await this.keep(await sock.sendMessage(address, content, id('media')), respondentId);
    }
    await this.pacer.wait(address, priority);
    await this.keep(await sock.sendMessage(address, { text }, id('text')), respondentId);
  }

  /** Sends first, then keeps: `this.sent?.remember(await send())` would skip the send itself when nothing keeps. */
  private async keep(message: WAMessage | undefined, respondentId: string | null): Promise<void> {
    await this.sent?.remember(message, respondentId);
  }
}
