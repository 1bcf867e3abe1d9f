/**
 * A fake LibreTranslate server over real HTTP on 127.0.0.1: the far side of the wire for
 * tests of machine translation. It "translates" by a function (default: prefixes the target
 * language, `[ti] Hello`), checks the API key when one is set, answers like LibreTranslate
 * (`{translatedText}` with a string or an array; `{error}` with 400/403/429/500), and records
 * every request.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeLibreTranslateOptions {
  /** When set, requests must carry this `api_key`. */
  apiKey?: string;
  /** Languages it knows; others get a 400 like the real server. Default: en nl ar fa uk ti so tr. */
  languages?: string[];
  translate?: (text: string, source: string, target: string) => string;
}

export interface TranslateRequest {
  q: string | string[];
  source: string;
  target: string;
  format?: string;
  api_key?: string;
}

export class FakeLibreTranslate {
  readonly requests: TranslateRequest[] = [];
  /** Answers the next n requests with this status and error. */
  failNext: { status: number; error: string; count: number } | null = null;
  /** Never answers the next n requests (for timeouts); they are ended when the server closes. */
  hangNext = 0;
  /** While set, every request gets one of these raw replies in turn (HTML pages, broken JSON, wrong shapes). */
  garbage: Array<{ status: number; contentType: string; body: string }> | null = null;
  private garbageServed = 0;
  private server: Server | null = null;
  url = '';

  constructor(private readonly opts: FakeLibreTranslateOptions = {}) {}

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((ok) => this.server!.listen(0, '127.0.0.1', ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((ok) => (this.server ? this.server.close(() => ok()) : ok()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const langs = this.opts.languages ?? ['en', 'nl', 'ar', 'fa', 'uk', 'ti', 'so', 'tr'];
    if (req.method === 'GET' && req.url === '/languages')
      return send(
        200,
        langs.map((code) => ({ code, name: code, targets: langs })),
      );
    if (req.method !== 'POST' || req.url !== '/translate') return send(404, { error: 'Not Found' });
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    let body: TranslateRequest;
    try {
      body = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw) : (Object.fromEntries(new URLSearchParams(raw)) as never);
    } catch {
      return send(400, { error: 'Invalid request: unable to parse JSON' });
    }
    this.requests.push(body);
    if (this.hangNext > 0) {
      this.hangNext -= 1;
      return;
    }
    if (this.garbage && this.garbage.length > 0) {
      const g = this.garbage[this.garbageServed++ % this.garbage.length]!;
      res.writeHead(g.status, { 'content-type': g.contentType });
      res.end(g.body);
      return;
    }
    if (this.failNext && this.failNext.count > 0) {
      this.failNext.count -= 1;
      return send(this.failNext.status, { error: this.failNext.error });
    }
    if (this.opts.apiKey !== undefined && body.api_key !== this.opts.apiKey) return send(403, { error: 'Invalid API key' });
    if (body.q === undefined || body.q === '') return send(400, { error: 'Invalid request: missing q parameter' });
    for (const l of [body.source, body.target]) if (!langs.includes(l)) return send(400, { error: `${l} is not supported` });
    const tr = this.opts.translate ?? ((t: string, _s: string, target: string) => `[${target}] ${t}`);
    const out = Array.isArray(body.q) ? body.q.map((t) => tr(t, body.source, body.target)) : tr(body.q, body.source, body.target);
    return send(200, { translatedText: out });
  }
}
