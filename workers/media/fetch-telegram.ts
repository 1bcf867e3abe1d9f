/**
 * Telegram media: `getFile` for the file's path on the Bot API server, then a download from
 * that same server. The Bot API serves at most 20 MB this way.
 * @module
 */
import type { MediaRef } from '../../surveys/engine/types.ts';
import { download, DownloadError } from './download.ts';
import { MediaRejected } from './errors.ts';
import type { Fetched } from './sink.ts';
import { intoTempFile } from './sink.ts';

/** The public Bot API's download limit for bots. */
export const TELEGRAM_MAX_BYTES = 20 * 1024 * 1024;

export interface TelegramSource {
  token: string;
  apiRoot: string;
}

/** A file path as the Bot API returns it ("voice/file_12.oga"): relative, no "..", no odd characters. */
const FILE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.?(?:\/|$))[A-Za-z0-9_\-./]{1,256}$/;

export async function fetchTelegramFile(
  ref: MediaRef,
  source: TelegramSource,
  opts: { maxBytes: number; tempPath: string; timeoutMs?: number },
): Promise<Fetched> {
  const maxBytes = Math.min(opts.maxBytes, TELEGRAM_MAX_BYTES);
  if (ref.size !== undefined && ref.size > maxBytes)
    throw new MediaRejected('too_large', `Telegram ${ref.kind}: announced ${ref.size} bytes, over the limit of ${maxBytes}`);
  const api = new URL(source.apiRoot);
  let res: Response;
  try {
    res = await fetch(`${source.apiRoot}/bot${source.token}/getFile`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ file_id: ref.fileRef }),
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (e) {
    throw new DownloadError(`Telegram getFile failed: ${(e as Error).message}`);
  }
  const body = (await res.json().catch(() => ({}))) as { ok?: boolean; description?: string; result?: { file_path?: string; file_size?: number } };
  if (!body.ok) {
    const why = body.description ?? `HTTP ${res.status}`;
    if (/too big/i.test(why)) throw new MediaRejected('too_large', `Telegram ${ref.kind}: ${why}`);
    if (res.status === 400) throw new MediaRejected('gone', `Telegram ${ref.kind}: ${why}`);
    throw new DownloadError(`Telegram getFile: ${why}`, res.status);
  }
  const filePath = body.result?.file_path;
  if (!filePath || !FILE_PATH.test(filePath))
    throw new MediaRejected('bad_source', `Telegram ${ref.kind}: unusable file_path ${JSON.stringify(filePath ?? null)}`);
  if ((body.result?.file_size ?? 0) > maxBytes)
    throw new MediaRejected('too_large', `Telegram ${ref.kind}: ${body.result?.file_size} bytes, over the limit of ${maxBytes}`);
  const url = new URL(`${source.apiRoot}/file/bot${source.token}/${filePath}`);
  return intoTempFile(opts.tempPath, async (write) => {
    await download(
      url,
      { maxBytes, allowHost: (u) => u.host === api.host, ...(opts.timeoutMs ? { timeoutMs: opts.timeoutMs } : {}) },
      write,
      `Telegram ${ref.kind}`,
    );
  });
}
