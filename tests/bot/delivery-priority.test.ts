/**
 * After an outage the outbox holds a backlog of campaign messages and a respondent's reply:
 * delivery sends the reply first (per address and over all addresses), and tells the channel
 * which sends are campaign messages so its pacer can make them yield.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChannelPort } from '../../bot/channels/port.ts';
import type { RenderedMessage } from '../../bot/conversation/render.ts';
import type { SendPriority } from '../../storage/send-priority.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';

class RecordingChannel implements ChannelPort {
  readonly name = 'telegram';
  failing = true;
  readonly sent: Array<{ address: string; text: string; priority: SendPriority | undefined }> = [];
  async send(address: string, message: RenderedMessage, meta?: { id: string; priority?: SendPriority }): Promise<void> {
    if (this.failing) throw new Error('network unreachable');
    this.sent.push({ address, text: message.text, priority: meta?.priority });
  }
}

let app: TestApp;
const channel = new RecordingChannel();
beforeAll(async () => {
  app = await startTestApp({ TRYIT_ENABLED: '0' }, { channels: [channel] });
}, 30_000);
afterAll(async () => {
  await app.dispose();
});

it('sends a waiting reply before a campaign backlog, and marks campaign sends as such', async () => {
  const campaign = (address: string, n: number) =>
    app.store.transaction((tx) =>
      app.delivery.enqueue(tx, [
        {
          id: `camp-${n}`,
          respondentId: null,
          channel: 'telegram',
          address,
          payload: { text: `results ${n}`, language: 'en', dir: 'ltr' },
          createdAt: new Date().toISOString(),
          priority: 'campaign',
        },
      ]),
    );
  // The channel is down: a campaign queues messages, one of them to the person who then writes.
  for (let i = 0; i < 5; i++) await campaign(String(7100 + i), i);
  await campaign('7777', 5);
  await app.handler.handle({
    channel: 'telegram',
    address: '7777',
    messageId: 'm1',
    receivedAt: new Date().toISOString(),
    content: { kind: 'command', command: 'start' },
  });
  await app.handler.idle();
  expect(channel.sent).toEqual([]);

  channel.failing = false;
  await app.delivery.flushAll();
  const replies = channel.sent.filter((s) => s.priority === 'conversation').length;
  expect(replies).toBeGreaterThan(0);
  // The reply first; the campaign message to the same person right after it (same flush), then the rest in order.
  expect(channel.sent.map((s) => (s.priority === 'campaign' ? s.text : `reply to ${s.address}`))).toEqual([
    ...Array(replies).fill('reply to 7777'),
    'results 5',
    ...[0, 1, 2, 3, 4].map((i) => `results ${i}`),
  ]);
});
