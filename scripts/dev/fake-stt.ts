/**
 * A local speech-to-text server speaking the OpenAI API (`POST /v1/audio/transcriptions`,
 * multipart), for tests and the benchmark: it reads the uploaded WAV's header and answers a
 * transcript naming its duration, so a test can tell the real file arrived. It records each
 * request's fields and can be told to fail or to hold requests.
 * @module
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SttRequest {
  model: string | null;
  language: string | null;
  responseFormat: string | null;
  fileBytes: number;
  fileName: string | null;
  authorization: string | null;
}

export class FakeStt {
  readonly requests: SttRequest[] = [];
  private server: Server | null = null;
  private failures: number[] = [];
  private held: Array<() => void> = [];
  /** While true, requests wait until release() (a slow model, or a worker killed mid-job). */
  hold = false;
  url = '';

  async start(): Promise<this> {
    this.server = createServer(
      (req, res) =>
        void this.serve(req)
          .then(([status, body]) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)))
          .catch(() => res.writeHead(500).end()),
    );
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next requests answer these HTTP statuses, in order. */
  failNext(...statuses: number[]): void {
    this.failures.push(...statuses);
  }

  release(): void {
    this.hold = false;
    for (const r of this.held.splice(0)) r();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise((r) => this.server?.close(r));
  }

  private async serve(req: IncomingMessage): Promise<[number, unknown]> {
    if (req.method !== 'POST' || req.url !== '/v1/audio/transcriptions') return [404, { error: 'not found' }];
    const body = await readBody(req);
    const form = await new Response(body, { headers: { 'content-type': req.headers['content-type'] ?? '' } }).formData();
    const file = form.get('file');
    const bytes = file instanceof Blob ? Buffer.from(await file.arrayBuffer()) : Buffer.alloc(0);
    const field = (k: string) => (typeof form.get(k) === 'string' ? (form.get(k) as string) : null);
    this.requests.push({
      model: field('model'),
      language: field('language'),
      responseFormat: field('response_format'),
      fileBytes: bytes.length,
      fileName: file instanceof File ? file.name : null,
      authorization: req.headers.authorization ?? null,
    });
    if (this.hold) await new Promise<void>((r) => this.held.push(r));
    const status = this.failures.shift();
    if (status) return [status, { error: { message: `forced ${status}` } }];
    const seconds = wavSeconds(bytes);
    if (seconds === null) return [400, { error: { message: 'not a WAV file' } }];
    const language = field('language') ?? 'en';
    return [200, { text: `transcript of ${seconds.toFixed(1)} seconds`, language, duration: seconds }];
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Duration of a PCM WAV from its header (byte rate and data size). */
function wavSeconds(b: Buffer): number | null {
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'RIFF' || b.toString('latin1', 8, 12) !== 'WAVE') return null;
  const byteRate = b.readUInt32LE(28);
  let at = 12;
  while (at + 8 <= b.length) {
    const id = b.toString('latin1', at, at + 4);
    const size = b.readUInt32LE(at + 4);
    if (id === 'data') return byteRate > 0 ? Math.min(size, b.length - at - 8) / byteRate : null;
    at += 8 + size;
  }
  return null;
}
