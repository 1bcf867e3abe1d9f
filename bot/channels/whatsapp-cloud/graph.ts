/**
 * The Graph API calls the Cloud API channel makes: send a message, upload a prompt file.
 * A refused call becomes a {@link GraphError} with Meta's error code, which the channel
 * sorts into back-off, template, unreachable or failure. The token never appears in errors.
 * @module
 */
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import type { GraphErrorBody } from './payload.ts';

export class GraphError extends Error {
  override name = 'GraphError';
  constructor(
    readonly status: number,
    /** Meta's error code (130429, 131047, …); 0 when the body had none (network, proxy). */
    readonly code: number,
    message: string,
    /** From a Retry-After header, when one came. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** Throughput (130429), pair rate (131056), app/account rate limits (4, 80007) or plain HTTP 429. */
export const isRateLimit = (e: GraphError): boolean => e.status === 429 || [4, 80007, 130429, 131056].includes(e.code);
/** The person has not written for 24 hours: only a template may go (131047). */
export const isWindowClosed = (e: GraphError): boolean => e.code === 131047;
/** The number is not on WhatsApp or cannot receive from us (131026 undeliverable, 131051 is inbound-only). */
export const isUnreachable = (e: GraphError): boolean => e.code === 131026;

export interface GraphClientOptions {
  apiRoot: string;
  token: string;
  phoneNumberId: string;
  timeoutMs?: number;
}

export class GraphClient {
  constructor(private readonly o: GraphClientOptions) {}

  /** POST /{phone-number-id}/messages; resolves with Meta's message id. */
  async sendMessage(body: Record<string, unknown>): Promise<string> {
    const res = await this.call('messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', ...body }),
    });
    const id = (res as { messages?: Array<{ id?: string }> }).messages?.[0]?.id;
    if (!id) throw new GraphError(200, 0, 'Graph API accepted the message but answered no message id');
    return id;
  }

  /** POST /{phone-number-id}/media (multipart); resolves with the media id. */
  async uploadMedia(file: string, mimeType: string): Promise<string> {
    const form = new FormData();
    form.set('messaging_product', 'whatsapp');
    form.set('type', mimeType);
    form.set('file', await openAsBlob(file, { type: mimeType }), basename(file));
    const res = await this.call('media', { method: 'POST', body: form });
    const id = (res as { id?: string }).id;
    if (!id) throw new GraphError(200, 0, 'Graph API took the upload but answered no media id');
    return id;
  }

  private async call(path: string, init: RequestInit): Promise<unknown> {
    const url = `${this.o.apiRoot}/${this.o.phoneNumberId}/${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.o.token}` },
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 30_000),
      });
    } catch (e) {
      throw new GraphError(0, 0, `Graph API /${path} unreachable: ${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message}`);
    }
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = {};
    }
    if (!res.ok) {
      const err = (body as GraphErrorBody).error;
      const retry = Number(res.headers.get('retry-after'));
      const detail = err?.error_data?.details ? ` (${err.error_data.details})` : '';
      throw new GraphError(
        res.status,
        err?.code ?? 0,
        `Graph API /${path}: HTTP ${res.status}, code ${err?.code ?? 'none'}: ${err?.message ?? text.slice(0, 200)}${detail}`,
        Number.isFinite(retry) && retry > 0 ? retry * 1000 : undefined,
      );
    }
    return body;
  }
}
