/**
 * Try-it request body → {@link InboundMessage}, in pure functions: the body's shape is checked
 * here (the page is a browser we do not control), then mapped like the other channels' updates.
 * The page sends typed text, button taps and the toolbar's commands as JSON, and recordings
 * (voice from the microphone, an uploaded video) as a raw body with these fields in the query.
 * @module
 */
import { z } from 'zod';
import type { InboundContent, InboundMessage } from '../port.ts';

/** The browser's random id for one respondent: the reply address on this channel. */
export const tryitToken = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'token must be 16–64 letters, digits, _ or -');

const body = z.object({
  token: tryitToken,
  /** Client-generated id; a retried request with the same id is not answered twice. */
  messageId: z.string().min(1).max(64),
  text: z.string().max(20_000).optional(),
  button: z.string().max(128).optional(),
  command: z.string().max(32).optional(),
  languageHint: z.string().max(35).optional(),
});
export type TryitBody = z.infer<typeof body>;

/** The body, or what is wrong with it (for a 400 answer). */
export function parseTryitBody(raw: unknown): { ok: true; body: TryitBody } | { ok: false; error: string } {
  const r = body.safeParse(raw);
  return r.success ? { ok: true, body: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

function contentOf(b: TryitBody): InboundContent {
  if (b.button !== undefined) return { kind: 'button', data: b.button };
  if (b.command !== undefined) {
    const [name = '', ...rest] = b.command.replace(/^\//, '').split(/\s+/);
    return { kind: 'command', command: name, arg: rest.join(' ') || undefined };
  }
  return { kind: 'text', text: b.text ?? '' };
}

export function toInbound(b: TryitBody, receivedAt: string): InboundMessage {
  return { channel: 'tryit', address: b.token, messageId: b.messageId, receivedAt, languageHint: b.languageHint, content: contentOf(b) };
}

const mediaQuery = z.object({
  token: tryitToken,
  messageId: z.string().min(1).max(64),
  /** `voice`: recorded with the microphone button; `video`: a file from the upload button. */
  kind: z.enum(['voice', 'video']),
  languageHint: z.string().max(35).optional(),
});
export type TryitMediaQuery = z.infer<typeof mediaQuery>;

export function parseTryitMediaQuery(raw: unknown): { ok: true; query: TryitMediaQuery } | { ok: false; error: string } {
  const r = mediaQuery.safeParse(raw);
  return r.success ? { ok: true, query: r.data } : { ok: false, error: r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
}

/** A recording kept in the try-it inbox under `uploadId`, as the answer the engine takes (like a Telegram voice note). */
export function mediaToInbound(q: TryitMediaQuery, upload: { id: string; bytes: number; mimeType: string }, receivedAt: string): InboundMessage {
  return {
    channel: 'tryit',
    address: q.token,
    messageId: q.messageId,
    receivedAt,
    languageHint: q.languageHint,
    content: { kind: 'media', media: { kind: q.kind, fileRef: upload.id, size: upload.bytes, mimeType: upload.mimeType } },
  };
}
