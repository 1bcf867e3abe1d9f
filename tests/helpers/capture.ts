/**
 * A channel port that records what it is asked to send, and can be told to fail:
 * the far side of the wire for handler tests.
 */
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { Channel } from '../../surveys/channels.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';

export class CaptureChannel implements ChannelPort {
  readonly sent: Array<{ address: string; message: RenderedMessage }> = [];
  failing = false;
  constructor(readonly name: Channel = 'telegram') {}

  async send(address: string, message: RenderedMessage): Promise<void> {
    if (this.failing) throw new Error('network unreachable');
    this.sent.push({ address, message });
  }

  for(address: string): RenderedMessage[] {
    return this.sent.filter((s) => s.address === address).map((s) => s.message);
  }
}
