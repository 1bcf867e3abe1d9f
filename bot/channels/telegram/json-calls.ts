/**
 * Bot API calls with a JSON payload over undici's keep-alive connection pool, as the innermost
 * grammY API transformer. grammY's own path (node-fetch, an AbortController and a timeout race
 * per call) was a tenth of the bot's CPU per answer (issue 20); node:http's client after it
 * still cost ~47 µs and ~11 KB of garbage per call, undici ~28 µs (measured in README, Cost per
 * answer). Calls that upload a file (multipart) go the usual way. The contract stays grammY's:
 * the parsed JSON answer is returned as is (`ok: false` included, for auto-retry and the error
 * classes above it), and a network failure or a body that is no JSON throws grammY's `HttpError`.
 * @module
 */
import { STATUS_CODES } from 'node:http';
import { Pool } from 'undici';
import { HttpError, InputFile, type Transformer } from 'grammy';

/** Same rule as grammY's `requiresFormDataUpload`: an InputFile anywhere in the payload. */
function hasFile(v: unknown): boolean {
  if (v instanceof InputFile) return true;
  if (typeof v !== 'object' || v === null) return false;
  for (const k in v) if (hasFile((v as Record<string, unknown>)[k])) return true;
  return false;
}

/** grammY's JSON body: null values are left out. */
const body = (payload: unknown) => JSON.stringify(payload, (_, v) => v ?? undefined);

const JSON_HEADERS = { 'content-type': 'application/json' };

/** The transformer for `bot.api.config.use`; install it before any other, so they wrap it. */
export function jsonCalls(apiRoot: string, token: string, timeoutSeconds = 500): Transformer {
  const root = new URL(apiRoot);
  // Connections are kept alive and reused; bounded, so a burst of replies queues on open
  // sockets instead of opening one per reply (unbounded measured ~10 % more CPU per answer).
  // A long poll holds one of them. 128, not 64: with a 20 ms round trip (a real Bot API) 64
  // capped the bot at ~1,000 answers/s, two calls an answer each holding a socket 20 ms; 128
  // gave +30-45 % answers/s and p99 -20 % at the same CPU per answer, and cost +6-10 % CPU with
  // no round trip at all (cost bench, 200 x 30 q, alternating pairs; README, Cost per answer).
  const pool = new Pool(root.origin, { connections: 128, keepAliveTimeout: 30_000, headersTimeout: timeoutSeconds * 1000, bodyTimeout: timeoutSeconds * 1000 });
  const prefix = `${root.pathname.replace(/\/$/, '')}/bot${token}/`;
  return async (prev, method, payload, signal) => {
    if (hasFile(payload)) return prev(method, payload, signal);
    const fail = (e: unknown, status?: string) =>
      new HttpError(`Network request for '${method}' failed!${status ? ` (${status})` : ''}`, e instanceof Error ? e : new Error(String(e)));
    // grammY types its signal as the abort-controller polyfill's; at run time it is Node's.
    const abort = signal as unknown as globalThis.AbortSignal | undefined;
    if (abort?.aborted) throw fail(abort.reason ?? new Error('aborted'));
    let res: Awaited<ReturnType<Pool['request']>>;
    let text: string;
    try {
      res = await pool.request({
        path: prefix + method,
        method: 'POST',
        headers: JSON_HEADERS,
        body: body(payload ?? {}),
        ...(abort ? { signal: abort } : {}),
      });
      text = await res.body.text();
    } catch (e) {
      throw fail(e);
    }
    try {
      return JSON.parse(text);
    } catch (e) {
      throw fail(e, `${res.statusCode}: ${STATUS_CODES[res.statusCode] ?? 'unknown status'}`);
    }
  };
}
