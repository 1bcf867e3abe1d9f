/**
 * The try-it channel: a local web chat that goes through the same inbound handler as
 * Telegram and WhatsApp, so a researcher can preview a survey without a phone.
 *
 * Each browser tab is one respondent, addressed by a random token it keeps in
 * localStorage. Replies wait in a small per-token mailbox until the page fetches them.
 * @module
 */
import type { ChannelPort } from '../port.ts';
import type { RenderedMessage } from '../../conversation/render.ts';

/** Keeps at most this many undelivered replies per browser; older ones are dropped first. */
const MAILBOX_LIMIT = 200;

export class TryitChannel implements ChannelPort {
  readonly name = 'tryit';
  private readonly mailboxes = new Map<string, RenderedMessage[]>();

  async send(address: string, message: RenderedMessage): Promise<void> {
    const box = this.mailboxes.get(address) ?? [];
    box.push(message);
    if (box.length > MAILBOX_LIMIT) box.splice(0, box.length - MAILBOX_LIMIT);
    this.mailboxes.set(address, box);
  }

  /** Returns and forgets the replies waiting for `address`. */
  drain(address: string): RenderedMessage[] {
    const box = this.mailboxes.get(address) ?? [];
    this.mailboxes.delete(address);
    return box;
  }
}
