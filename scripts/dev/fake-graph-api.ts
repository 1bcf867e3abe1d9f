/**
 * A fake WhatsApp Cloud API (Graph API) served over real HTTP on 127.0.0.1: the far side of
 * the wire for tests and benches of the Cloud adapter. It checks the bearer token, records
 * every message sent (`POST /{version}/{phone-number-id}/messages`), takes uploads
 * (`/media`), serves media (`GET /{version}/{media-id}` → a URL, then the bytes with the
 * token), answers Meta's error codes when told to, refuses free-form messages outside the
 * 24-hour window (131047) like Meta, and signs and posts webhooks to the bot.
 */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { messagePayload, wamid, type Envelope } from './graph-payloads.ts';

export interface SentCloudMessage {
  to: string;
  type: string;
  body: Record<string, unknown>;
  id: string;
  at: number;
}

type Failure = { status: number; code: number; message: string; retryAfter?: number };
const DAY_MS = 24 * 60 * 60 * 1000;

export class FakeGraphApi {
  readonly sent: SentCloudMessage[] = [];
  readonly uploads: Array<{ id: string; type: string; bytes: number }> = [];
  /** Every call: method and path (no token), for tests that count lookups. */
  readonly calls: Array<{ method: string; path: string }> = [];
  private readonly media = new Map<string, { bytes: Buffer; mime: string }>();
  private readonly failures: Failure[] = [];
  /** When each wa_id last wrote (set by `post`), for the 24-hour rule. */
  private readonly lastInbound = new Map<string, number>();
  /** Called with each message accepted (benches wait on it). */
  onSent: ((m: SentCloudMessage) => void) | null = null;
  private server: Server | null = null;
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  url = '';
  readonly version = 'v21.0';

  constructor(readonly o: { token: string; appSecret: string; phoneNumberId: string; now?: () => number; webhookUrl?: string }) {}

  /** The value for WHATSAPP_API_ROOT. */
  get apiRoot(): string {
    return `${this.url}/${this.version}`;
  }

  get envelope(): Envelope {
    return { phoneNumberId: this.o.phoneNumberId };
  }

  set webhookUrl(u: string) {
    this.o.webhookUrl = u;
  }

  private now(): number {
    return this.o.now?.() ?? Date.now();
  }

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.route(req, res).catch((e: Error) => this.json(res, 500, { error: { message: e.message, code: 1 } })));
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  /** The next sends answer this error instead (Meta's error body), one per call. */
  failNext(f: Failure, times = 1): void {
    for (let i = 0; i < times; i++) this.failures.push(f);
  }

  /** A file a respondent "sent": returns its media id, to put in an inbound payload. */
  addMedia(bytes: Buffer, mime: string): { id: string; sha256: string } {
    const id = String(BigInt(`0x${randomBytes(6).toString('hex')}`));
    this.media.set(id, { bytes, mime });
    return { id, sha256: createHash('sha256').update(bytes).digest('base64') };
  }

  /** Signs `payload` with the app secret (or `secret`) and posts it to the bot's webhook; answers the HTTP status. */
  async post(payload: unknown, opts: { secret?: string; signature?: string } = {}): Promise<number> {
    const body = JSON.stringify(payload);
    for (const v of (payload as { entry?: Array<{ changes?: Array<{ value?: { messages?: Array<{ from?: string }> } }> }> }).entry ?? [])
      for (const c of v.changes ?? []) for (const m of c.value?.messages ?? []) if (m.from) this.lastInbound.set(m.from, this.now());
    const signature =
      opts.signature ??
      `sha256=${createHmac('sha256', opts.secret ?? this.o.appSecret)
        .update(body)
        .digest('hex')}`;
    const res = await fetch(this.o.webhookUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-hub-signature-256': signature }, body });
    await res.text();
    return res.status;
  }

  /** Posts one inbound message (see graph-payloads.ts for bodies). */
  say(from: string, type: string, body: Record<string, unknown>, opts: { id?: string; context?: string } = {}): Promise<number> {
    return this.post(messagePayload(this.envelope, from, type, body, opts));
  }

  /** Resolves once `n` messages have been sent in total. */
  waitForSent(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.sent.length >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`fake Graph API: ${this.sent.length} of ${n} messages after ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
    });
  }

  sentTo(to: string): SentCloudMessage[] {
    return this.sent.filter((m) => m.to === to);
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    this.calls.push({ method: req.method ?? 'GET', path: url.pathname });
    if (req.headers.authorization !== `Bearer ${this.o.token}`) {
      return this.json(res, 401, { error: { message: 'Invalid OAuth access token.', type: 'OAuthException', code: 190, fbtrace_id: 'A' } });
    }
    const body = await read(req);
    const parts = url.pathname.split('/').filter(Boolean);
    if (parts[0] === 'media-files' && parts[1] && req.method === 'GET') {
      const m = this.media.get(parts[1]);
      if (!m) return this.json(res, 404, { error: { message: 'not found', code: 100 } });
      res.writeHead(200, { 'content-type': m.mime, 'content-length': m.bytes.length });
      return void res.end(m.bytes);
    }
    if (parts[0] !== this.version) return this.json(res, 404, { error: { message: 'Unknown path', code: 2500 } });
    if (parts.length === 2 && req.method === 'GET') {
      const m = this.media.get(parts[1]!);
      if (!m) return this.json(res, 400, { error: { message: 'Unsupported get request.', type: 'GraphMethodException', code: 100 } });
      return this.json(res, 200, {
        messaging_product: 'whatsapp',
        url: `${this.url}/media-files/${parts[1]}`,
        mime_type: m.mime,
        sha256: createHash('sha256').update(m.bytes).digest('hex'),
        file_size: m.bytes.length,
        id: parts[1],
      });
    }
    if (parts[1] !== this.o.phoneNumberId) return this.json(res, 400, { error: { message: 'Unsupported post request.', code: 100 } });
    if (parts[2] === 'media' && req.method === 'POST') {
      const form = await new Response(body, { headers: { 'content-type': String(req.headers['content-type']) } }).formData();
      const file = form.get('file');
      if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob))
        return this.json(res, 400, { error: { message: '(#100) The parameter messaging_product is required.', code: 100 } });
      const bytes = Buffer.from(await file.arrayBuffer());
      const id = this.addMedia(bytes, String(form.get('type') ?? file.type)).id;
      this.uploads.push({ id, type: String(form.get('type')), bytes: bytes.length });
      return this.json(res, 200, { id });
    }
    if (parts[2] === 'messages' && req.method === 'POST') {
      const msg = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
      const failure = this.failures.shift();
      if (failure) {
        if (failure.retryAfter) res.setHeader('retry-after', String(failure.retryAfter));
        return this.json(res, failure.status, { error: { message: failure.message, type: 'OAuthException', code: failure.code, fbtrace_id: 'A' } });
      }
      const to = String(msg.to ?? '');
      if (msg.messaging_product !== 'whatsapp' || !/^\d{6,20}$/.test(to) || typeof msg.type !== 'string')
        return this.json(res, 400, { error: { message: '(#100) Invalid parameter', code: 100 } });
      const last = this.lastInbound.get(to);
      if (msg.type !== 'template' && (last === undefined || this.now() - last >= DAY_MS)) {
        return this.json(res, 400, {
          error: {
            message: '(#131047) Re-engagement message',
            type: 'OAuthException',
            code: 131047,
            error_data: {
              messaging_product: 'whatsapp',
              details: 'Message failed to send because more than 24 hours have passed since the customer last replied to this number.',
            },
          },
        });
      }
      const id = wamid();
      const sent = { to, type: msg.type, body: msg, id, at: this.now() };
      this.sent.push(sent);
      this.onSent?.(sent);
      for (const w of this.waiters.filter((x) => this.sent.length >= x.n)) w.resolve();
      this.waiters = this.waiters.filter((x) => this.sent.length < x.n);
      return this.json(res, 200, { messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: to }], messages: [{ id }] });
    }
    return this.json(res, 404, { error: { message: 'Unknown path', code: 2500 } });
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}

async function read(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
