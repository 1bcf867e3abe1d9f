/**
 * HTTP downloads of respondents' media with the limits the issue asks for: only the
 * channel's own file host, no redirects (a redirect could point anywhere), a byte cap checked
 * on the announced length and again while streaming, and a timeout.
 * @module
 */
import { MediaRejected } from './errors.ts';

export interface DownloadLimits {
  maxBytes: number;
  /** Whether this download may contact the URL's host (checked before any request). */
  allowHost: (url: URL) => boolean;
  timeoutMs?: number;
  /** Request headers (the Cloud API's bearer token); never part of an error. */
  headers?: Record<string, string>;
}

/** A transient failure worth retrying (network, 5xx, 429). */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/**
 * Streams the body of `url` to `sink`, chunk by chunk. `what` names the file in errors
 * instead of the URL, which may carry a bot token.
 */
export async function download(url: URL, limits: DownloadLimits, sink: (chunk: Uint8Array) => void | Promise<void>, what: string): Promise<number> {
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new MediaRejected('bad_source', `${what}: not an http(s) URL`);
  if (!limits.allowHost(url)) throw new MediaRejected('bad_source', `${what}: host ${url.host} is not the channel's file host`);
  let res: Response;
  try {
    res = await fetch(url, {
      redirect: 'error',
      ...(limits.headers ? { headers: limits.headers } : {}),
      signal: AbortSignal.timeout(limits.timeoutMs ?? 120_000),
    });
  } catch (e) {
    throw new DownloadError(`${what}: download failed (${(e as Error).name === 'TimeoutError' ? 'timed out' : (e as Error).message})`);
  }
  if (res.status === 404 || res.status === 410) {
    await res.body?.cancel();
    throw new MediaRejected('gone', `${what}: the channel no longer has this file (HTTP ${res.status})`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new DownloadError(`${what}: HTTP ${res.status}`, res.status);
  }
  const announced = Number(res.headers.get('content-length') ?? NaN);
  if (announced > limits.maxBytes) {
    await res.body.cancel();
    throw new MediaRejected('too_large', `${what}: ${announced} bytes, over the limit of ${limits.maxBytes}`);
  }
  let size = 0;
  const reader = res.body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limits.maxBytes) throw new MediaRejected('too_large', `${what}: over the limit of ${limits.maxBytes} bytes`);
      await sink(value);
    }
  } catch (e) {
    await reader.cancel().catch(() => {});
    if (e instanceof MediaRejected) throw e;
    throw new DownloadError(`${what}: download interrupted (${(e as Error).message})`);
  }
  return size;
}
