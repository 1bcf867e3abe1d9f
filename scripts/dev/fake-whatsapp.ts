/**
 * A fake WhatsApp for the chaos run: the far side of the wire for a bot process whose Baileys
 * socket is replaced by {@link FakeWhatsAppSocket}. Over plain HTTP on 127.0.0.1 the bot holds
 * one long `GET /connect` stream of events (NDJSON) and posts what it sends, acks and reads.
 *
 * Like WhatsApp's servers it keeps what people send until the bot acks it: messages sent
 * while no bot is connected (the bot was killed, or WhatsApp dropped the connection) are
 * delivered on the next connect as one `append` upsert, as Baileys reports offline messages;
 * the rest come as `notify`. Messages are real protobuf `WebMessageInfo` bytes.
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { proto } from '../../bot/channels/whatsapp/baileys-types.ts';

export interface SentByBot {
  jid: string;
  id: string;
  text: string;
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
};

export class FakeWhatsApp {
  url = '';
  /** Messages delivered in an `append` upsert (sent while no bot was connected, or not acked). */
  appended = 0;
  /** Read receipts the bot sent. */
  reads = 0;
  private server: Server | null = null;
  private stream: ServerResponse | null = null;
  private waiting: ServerResponse | null = null;
  private down = false;
  private seq = 0;
  /** Sent by people, not yet acked by the bot, in order. */
  private readonly unacked = new Map<string, Uint8Array>();
  private readonly sent = new Map<string, SentByBot[]>();

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res).catch(() => res.writeHead(500).end()));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** A person sends `text` from `jid`; returns the message id. */
  send(jid: string, text: string): string {
    const id = `3A${String(++this.seq).padStart(18, '0')}`;
    const bytes = proto.WebMessageInfo.encode(
      proto.WebMessageInfo.create({
        key: { remoteJid: jid, id, fromMe: false },
        message: { conversation: text },
        messageTimestamp: Math.floor(Date.now() / 1000),
      }),
    ).finish();
    this.unacked.set(id, bytes);
    if (this.stream) this.write(this.stream, { event: 'upsert', type: 'notify', messages: [Buffer.from(bytes).toString('base64')] });
    return id;
  }

  /** What the bot sent to `jid`, in order. */
  sentTo(jid: string): SentByBot[] {
    return this.sent.get(jid) ?? [];
  }

  /** WhatsApp drops the connection and refuses new ones for `ms` (its side of a restart). */
  restart(ms: number): void {
    this.down = true;
    this.stream?.end();
    this.stream = null;
    setTimeout(() => {
      this.down = false;
      if (this.waiting) this.accept(this.waiting);
      this.waiting = null;
    }, ms);
  }

  get connected(): boolean {
    return this.stream !== null;
  }

  async close(): Promise<void> {
    this.stream?.end();
    this.waiting?.end();
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  private write(res: ServerResponse, event: object): void {
    res.write(`${JSON.stringify(event)}\n`);
  }

  /** Opens the bot's stream: the connection opens, then everything not acked comes as `append`. */
  private accept(res: ServerResponse): void {
    if (res.destroyed) return;
    this.stream?.end(); // one live socket per account, as with WhatsApp
    this.stream = res;
    res.on('close', () => {
      if (this.stream === res) this.stream = null;
    });
    this.write(res, { event: 'open' });
    const offline = [...this.unacked.values()];
    if (offline.length > 0) {
      this.appended += offline.length;
      this.write(res, { event: 'upsert', type: 'append', messages: offline.map((b) => Buffer.from(b).toString('base64')) });
    }
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = req.url ?? '';
    if (req.method === 'GET' && path === '/connect') {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      res.flushHeaders();
      if (this.down) {
        this.waiting?.end();
        this.waiting = res;
      } else this.accept(res);
      return;
    }
    const body = (await readBody(req)) as { jid?: string; id?: string; text?: string; ids?: string[] };
    if (path === '/send' && body.jid && body.id) {
      if (!this.stream) return void res.writeHead(503).end(); // the bot's socket is not connected
      const list = this.sent.get(body.jid) ?? [];
      list.push({ jid: body.jid, id: body.id, text: body.text ?? '' });
      this.sent.set(body.jid, list);
    } else if (path === '/ack') {
      for (const id of body.ids ?? []) this.unacked.delete(id);
    } else if (path === '/read') {
      this.reads += body.ids?.length ?? 0;
    } else return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  }
}
