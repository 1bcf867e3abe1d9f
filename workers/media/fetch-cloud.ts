/**
 * WhatsApp Cloud API media: GET /{media-id} with the bearer token answers a short-lived URL
 * on Meta's media host, which is downloaded with the same token. Only Meta's media hosts (or
 * the Graph API host itself) are contacted; the size cap is checked on what Meta announces and
 * again while streaming.
 * @module
 */
import { download, DownloadError } from './download.ts';
import { MediaRejected } from './errors.ts';
import { intoTempFile, type Fetched } from './sink.ts';
import type { CloudMediaHandle } from './cloud-handle.ts';

export interface CloudMediaSource {
  apiRoot: string;
  token: string;
}

/** Where Meta serves Cloud API media (lookaside.fbsbx.com today). */
export const CLOUD_MEDIA_HOST = (host: string): boolean =>
  host === 'lookaside.fbsbx.com' || host.endsWith('.fbsbx.com') || host.endsWith('.whatsapp.net') || host.endsWith('.fbcdn.net');

export async function fetchCloudFile(
  h: CloudMediaHandle,
  source: CloudMediaSource,
  opts: { maxBytes: number; tempPath: string; allowHost?: (host: string) => boolean; timeoutMs?: number },
): Promise<Fetched> {
  const what = 'WhatsApp Cloud media';
  const api = new URL(source.apiRoot);
  const allow = (host: string) => host === api.hostname || (opts.allowHost ?? CLOUD_MEDIA_HOST)(host);
  const auth = { authorization: `Bearer ${source.token}` };
  let res: Response;
  try {
    res = await fetch(`${source.apiRoot}/${encodeURIComponent(h.cloud)}`, { headers: auth, redirect: 'error', signal: AbortSignal.timeout(30_000) });
  } catch (e) {
    throw new DownloadError(`${what}: media lookup failed (${(e as Error).message})`);
  }
  const body = (await res.json().catch(() => ({}))) as { url?: string; file_size?: number; error?: { code?: number; message?: string } };
  if (!res.ok) {
    // An unknown or expired id (Meta keeps inbound media 30 days) will not come back.
    if (res.status === 400 || res.status === 404) throw new MediaRejected('gone', `${what}: ${body.error?.message ?? `HTTP ${res.status}`}`);
    throw new DownloadError(`${what}: media lookup HTTP ${res.status}`, res.status);
  }
  if (typeof body.url !== 'string' || !URL.canParse(body.url)) throw new MediaRejected('bad_source', `${what}: the lookup answered no usable url`);
  const url = new URL(body.url);
  if (!allow(url.hostname)) throw new MediaRejected('bad_source', `${what}: url points at "${url.hostname}", not at Meta's media servers`);
  if (typeof body.file_size === 'number' && body.file_size > opts.maxBytes)
    throw new MediaRejected('too_large', `${what}: announced ${body.file_size} bytes, over the limit of ${opts.maxBytes}`);
  return intoTempFile(opts.tempPath, async (write) => {
    await download(
      url,
      { maxBytes: opts.maxBytes, allowHost: (u) => allow(u.hostname), headers: auth, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
      write,
      what,
    );
  });
}
