/**
 * The WhatsApp side of the sent-message log: what `sendMessage` returned is kept (as its
 * protobuf content, thumbnails dropped) under its message id, and handed back to Baileys
 * through `getMessage` when a recipient's phone asks for a message again (a retry receipt).
 * Without it Baileys can resend only from a five-minute memory cache, so a phone that was
 * offline longer would show "waiting for this message" for good.
 * @module
 */
import { proto, type WAMessage, type WAMessageKey } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import type { SentMessages } from '../../../storage/sent-messages.ts';

/** Picture bytes Baileys embeds in media messages: not needed to resend, so not kept. */
const THUMBNAIL_FIELDS = ['jpegThumbnail', 'thumbnailSha256', 'thumbnailEncSha256'] as const;

function withoutThumbnails(message: proto.IMessage): proto.IMessage {
  const copy = proto.Message.decode(proto.Message.encode(message).finish());
  for (const part of Object.values(copy) as unknown[]) {
    if (part && typeof part === 'object') for (const f of THUMBNAIL_FIELDS) delete (part as Record<string, unknown>)[f];
  }
  return copy;
}

export class SentLog {
  constructor(
    private readonly repo: SentMessages,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Keeps a sent message; never fails the send (it went out), only logs. */
  async remember(sent: WAMessage | undefined, respondentId: string | null): Promise<void> {
    const id = sent?.key?.id;
    if (!id || !sent.message) return;
    try {
      const content = proto.Message.encode(withoutThumbnails(sent.message)).finish();
      await this.repo.remember(id, respondentId, content, this.now().toISOString());
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'whatsapp: could not keep a sent message for retries');
    }
  }

  /** Baileys' `getMessage`: the content we sent under this id, or undefined. */
  readonly getMessage = async (key: WAMessageKey): Promise<proto.IMessage | undefined> => {
    if (!key.id) return undefined;
    try {
      const bytes = await this.repo.get(key.id);
      return bytes ? proto.Message.decode(bytes) : undefined;
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'whatsapp: could not read a sent message for a retry');
      return undefined;
    }
  };
}
