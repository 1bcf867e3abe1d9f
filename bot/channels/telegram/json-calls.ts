/**
 * Bot API calls with a JSON payload over node:http(s) directly, as the innermost grammY API
 * transformer: grammY's own path (node-fetch, an AbortController and a timeout race per
 * call) was a tenth of the bot's CPU per answer (issue 20). Calls that upload a file
 * (multipart) go the usual way. The contract stays grammY's: the parsed JSON answer is
 * returned as is (`ok: false` included, for auto-retry and the error classes above it), and a
 * network failure or a body that is no JSON throws grammY's `HttpError`.
 * @module
 */
import { request as httpRequest, Agent as HttpAgent, type IncomingMessage } from 'node:http';
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https';
import { HttpError, InputFile, type Transformer } from 'grammy';

/** Same rule as grammY's `requiresFormDataUpload`: an InputFile anywhere in the payload. */
function hasFile(v: unknown): boolean {
  if (v instanceof InputFile) return true;
  if (typeof v !== 'object' || v === null) return false;
  return Object.values(v).some(hasFile);
}

/** grammY's JSON body: null values are left out. */
const body = (payload: unknown) => JSON.stringify(payload, (_, v) => v ?? undefined);

/** The transformer for `bot.api.config.use`; install it before any other, so they wrap it. */
export function jsonCalls(apiRoot: string, token: string, timeoutSeconds = 500): Transformer {
  const https = apiRoot.startsWith('https:');
  const agent = https ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
  const send = https ? httpsRequest : httpRequest;
  return (prev, method, payload, signal) => {
    if (hasFile(payload)) return prev(method, payload, signal);
    const data = body(payload ?? {});
    // grammY types its signal as the abort-controller polyfill's; at run time it is Node's.
    const abort = signal as unknown as globalThis.AbortSignal | undefined;
    return new Promise((resolve, reject) => {
      const fail = (e: unknown, status?: string) =>
        reject(new HttpError(`Network request for '${method}' failed!${status ? ` (${status})` : ''}`, e instanceof Error ? e : new Error(String(e))));
      if (abort?.aborted) return fail(abort.reason ?? new Error('aborted'));
      const req = send(
        `${apiRoot}/bot${token}/${method}`,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
          timeout: timeoutSeconds * 1000,
          ...(abort ? { signal: abort } : {}),
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => fail(e));
          res.on('end', () => {
            try {
              resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
            } catch (e) {
              fail(e, `${res.statusCode}: ${res.statusMessage}`);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`Request to '${method}' timed out after ${timeoutSeconds} seconds`)));
      req.on('error', (e) => fail(e));
      req.end(data);
    });
  };
}
