/**
 * The bot's end of {@link FakeWhatsApp}: a {@link WhatsAppSocket} that streams events from the
 * fake over HTTP instead of speaking WhatsApp's protocol, for the chaos run's bot process.
 * Like Baileys it emits `connection.update` (open, then close with 428 when the stream ends)
 * and `messages.upsert`, and acks each upsert once its listeners ran.
 * @module
 */
import { EventEmitter } from 'node:events';
import { proto } from '../../bot/channels/whatsapp/baileys-types.ts';
import type { WhatsAppSocket } from '../../bot/channels/whatsapp/connection.ts';

type Event = { event: 'open' } | { event: 'upsert'; type: 'notify' | 'append'; messages: string[] };

export class FakeWhatsAppSocket {
  private readonly events = new EventEmitter();
  readonly ev = { on: (event: string, listener: (arg: unknown) => void) => void this.events.on(event, listener) } as unknown as WhatsAppSocket['ev'];
  private readonly abort = new AbortController();
  private open = false;
  private ended = false;

  constructor(private readonly url: string) {
    // After the caller attached its listeners.
    setImmediate(() => void this.run());
  }

  async sendMessage(jid: string, content: { text?: string }, options?: { messageId?: string }) {
    if (!this.open) throw new Error('Connection Closed');
    const id = options?.messageId ?? `3EB0${Math.random().toString(16).slice(2, 22).toUpperCase()}`;
    const text = content.text ?? '[media]';
    const res = await fetch(`${this.url}/send`, { method: 'POST', body: JSON.stringify({ jid, id, text }) });
    if (!res.ok) throw new Error('Connection Closed');
    return proto.WebMessageInfo.create({ key: { remoteJid: jid, id, fromMe: true }, message: { extendedTextMessage: { text } } });
  }

  async readMessages(keys: Array<{ id?: string | null }>): Promise<void> {
    await this.post('/read', { ids: keys.map((k) => k.id) });
  }

  async requestPairingCode(): Promise<string> {
    return 'CHAOS123';
  }

  end(): void {
    this.ended = true;
    this.open = false;
    this.abort.abort();
  }

  private async post(path: string, body: object): Promise<void> {
    await fetch(`${this.url}${path}`, { method: 'POST', body: JSON.stringify(body) });
  }

  private async run(): Promise<void> {
    try {
      const res = await fetch(`${this.url}/connect`, { signal: this.abort.signal });
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
          const e = JSON.parse(buffered.slice(0, nl)) as Event;
          buffered = buffered.slice(nl + 1);
          if (e.event === 'open') {
            this.open = true;
            this.events.emit('connection.update', { connection: 'open' });
          } else {
            const messages = e.messages.map((b) => proto.WebMessageInfo.decode(Buffer.from(b, 'base64')));
            this.events.emit('messages.upsert', { type: e.type, messages });
            await this.post('/ack', { ids: messages.map((m) => m.key?.id) });
          }
        }
      }
    } catch {
      // The stream broke (the fake restarted or closed): reported below as a closed connection.
    }
    this.open = false;
    if (this.ended) return;
    this.events.emit('connection.update', {
      connection: 'close',
      lastDisconnect: { error: Object.assign(new Error('Connection Closed'), { output: { statusCode: 428 } }), date: new Date() },
    });
  }
}
