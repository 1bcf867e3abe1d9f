/**
 * The try-it channel: a local web chat that goes through the same inbound handler as
 * Telegram and WhatsApp, so a researcher can preview a survey without a phone.
 *
 * Each browser tab is one respondent, addressed by a random token it keeps in
 * localStorage. Replies wait in a small per-token mailbox until the page fetches them.
 * @module
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { ChannelPort } from '../port.ts';
import type { RenderedMessage } from '../../conversation/render.ts';

/** Keeps at most this many undelivered replies per browser; older ones are dropped first. */
const MAILBOX_LIMIT = 200;

export class TryitChannel implements ChannelPort {
  readonly name = 'tryit';
  private readonly mailboxes = new Map<string, RenderedMessage[]>();
  /** Opaque id → absolute path of a recorded prompt; the browser never sees the path. */
  private readonly prompts = new Map<string, string>();
  private readonly promptKey = randomBytes(16);

  async send(address: string, message: RenderedMessage): Promise<void> {
    const box = this.mailboxes.get(address) ?? [];
    box.push(message.media ? { ...message, media: { form: message.media.form, file: this.promptUrl(message.media.file) } } : message);
    if (box.length > MAILBOX_LIMIT) box.splice(0, box.length - MAILBOX_LIMIT);
    this.mailboxes.set(address, box);
  }

  /** The prompt file an id stands for, or undefined for an id this process never handed out. */
  promptFile(id: string): string | undefined {
    return this.prompts.get(id);
  }

  /** Same file, same id (so the browser can cache it); unguessable without this process's key. */
  private promptUrl(file: string): string {
    const id = createHmac('sha256', this.promptKey).update(file).digest('base64url').slice(0, 22);
    this.prompts.set(id, file);
    return `/try/api/prompts/${id}`;
  }

  /** Returns and forgets the replies waiting for `address`. */
  drain(address: string): RenderedMessage[] {
    const box = this.mailboxes.get(address) ?? [];
    this.mailboxes.delete(address);
    return box;
  }
}
