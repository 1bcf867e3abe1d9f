/**
 * Reading Bot API request bodies the way Telegram does: query string, JSON, or multipart
 * with file uploads. Used by the fake Bot API.
 */
import type { IncomingMessage } from 'node:http';

export type Upload = { name: string; size: number; type: string; content: Buffer };

/** Parameters that stay strings even when they look like JSON (texts, file ids). */
const KEEP_STRING =
  /^(text|caption|title|performer|file_name|file_id|callback_query_id|inline_message_id|url|voice|video|video_note|audio|photo|document|thumbnail)$/;

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function parseBody(req: IncomingMessage, url: URL): Promise<{ params: Record<string, unknown>; uploads: Record<string, Upload> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const buf = Buffer.concat(chunks);
  const ct = req.headers['content-type'] ?? '';
  const params: Record<string, unknown> = {};
  const uploads: Record<string, Upload> = {};
  const loose = (key: string, v: string): unknown => (KEEP_STRING.test(key) || !/^(\{|\[|-?\d+$|true$|false$)/.test(v) ? v : (parseJson(v) ?? v));
  for (const [k, v] of url.searchParams) params[k] = loose(k, v);
  if (!buf.length) return { params, uploads };
  if (ct.startsWith('application/json')) {
    const parsed: unknown = JSON.parse(buf.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    Object.assign(params, parsed);
  } else if (ct.startsWith('multipart/form-data')) {
    const form = await new Request('http://x', { method: 'POST', headers: { 'content-type': ct }, body: canonicalParts(buf, ct) }).formData();
    for (const [k, v] of form) {
      if (typeof v === 'string') params[k] = loose(k, v);
      else uploads[k] = { name: v.name, size: v.size, type: v.type, content: Buffer.from(await v.arrayBuffer()) };
    }
  }
  return { params, uploads };
}

/**
 * grammY writes part headers as `content-disposition:form-data;name="x";filename=y`, which
 * Node 20's FormData parser rejects (it wants "; " separators and a quoted filename), so the
 * Content-Disposition lines are rewritten in canonical form. latin1 keeps every byte as is.
 */
function canonicalParts(buf: Buffer, ct: string): Buffer {
  const boundary = /boundary="?([^";]+)"?/i.exec(ct)?.[1];
  if (!boundary) return buf;
  const delimiter = `--${boundary}`;
  const parts = buf
    .toString('latin1')
    .split(delimiter)
    .map((part) => {
      const end = part.indexOf('\r\n\r\n');
      if (end < 0) return part;
      const head = part.slice(0, end).replace(/^content-disposition:[^\r\n]*/gim, (line) => {
        const name = /;\s*name="?([^";]*)"?/i.exec(line)?.[1] ?? '';
        const file = /;\s*filename="?([^";]*)"?/i.exec(line)?.[1];
        return `Content-Disposition: form-data; name="${name}"${file === undefined ? '' : `; filename="${file}"`}`;
      });
      return head + part.slice(end);
    });
  return Buffer.from(parts.join(delimiter), 'latin1');
}
