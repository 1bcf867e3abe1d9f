/**
 * HTTP routes of the try-it channel: the page and a small JSON API.
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { InboundContent } from '../port.ts';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { TryitChannel } from './channel.ts';
import { TRYIT_PAGE } from './page.ts';

const token = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'token must be 16–64 letters, digits, _ or -');
const body = z.object({
  token,
  /** Client-generated id; a retried request with the same id is not answered twice. */
  messageId: z.string().min(1).max(64),
  text: z.string().max(20_000).optional(),
  button: z.string().max(128).optional(),
  command: z.string().max(32).optional(),
  languageHint: z.string().max(35).optional(),
});

const PROMPT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg', '.m4a': 'audio/mp4', '.ogg': 'audio/ogg', '.opus': 'audio/ogg', '.oga': 'audio/ogg', '.wav': 'audio/wav',
  '.mp4': 'video/mp4', '.webm': 'video/webm', '.mov': 'video/quicktime',
};

export function registerTryit(app: FastifyInstance, deps: { handler: InboundHandler; channel: TryitChannel; now?: () => Date }): void {
  const now = deps.now ?? (() => new Date());

  app.get('/try', async (_req, reply) => reply.type('text/html; charset=utf-8').send(TRYIT_PAGE));

  app.post('/try/api/messages', async (req, reply) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    const b = parsed.data;
    const content: InboundContent =
      b.button !== undefined ? { kind: 'button', data: b.button }
      : b.command !== undefined ? { kind: 'command', command: b.command.replace(/^\//, '').split(/\s+/)[0] ?? '', arg: b.command.split(/\s+/).slice(1).join(' ') || undefined }
      : { kind: 'text', text: b.text ?? '' };
    const outcome = await deps.handler.handle({
      channel: 'tryit', address: b.token, messageId: b.messageId, receivedAt: now().toISOString(), languageHint: b.languageHint, content,
    });
    return { outcome, messages: deps.channel.drain(b.token) };
  });

  // Recorded prompts by the opaque id the messages carry (not by path: that would show the server's folders).
  app.get('/try/api/prompts/:id', async (req, reply) => {
    const file = deps.channel.promptFile((req.params as { id: string }).id);
    const size = file && (await stat(file).catch(() => null))?.size;
    if (!file || size === undefined || size === null) return reply.code(404).send({ error: 'no such prompt; reload the page' });
    return reply.type(PROMPT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream').header('content-length', size).send(createReadStream(file));
  });

  app.get('/try/api/messages', async (req, reply) => {
    const parsed = token.safeParse((req.query as Record<string, unknown>).token);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues[0]?.message });
    await deps.handler.flush('tryit', parsed.data);
    return { messages: deps.channel.drain(parsed.data) };
  });
}
