/**
 * HTTP routes of the try-it channel: the page and a small JSON API.
 * @module
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { InboundContent } from '../port.ts';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { Delivery } from '../../delivery/outbox.ts';
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

export function registerTryit(app: FastifyInstance, deps: { handler: InboundHandler; delivery: Delivery; channel: TryitChannel; now?: () => Date }): void {
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

  app.get('/try/api/messages', async (req, reply) => {
    const parsed = token.safeParse((req.query as Record<string, unknown>).token);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues[0]?.message });
    await deps.delivery.flush('tryit', parsed.data);
    return { messages: deps.channel.drain(parsed.data) };
  });
}
