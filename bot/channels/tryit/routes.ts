/**
 * HTTP routes of the try-it channel: the page and a small JSON API (bodies mapped in inbound.ts).
 * @module
 */
import type { FastifyInstance } from 'fastify';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import type { TryitChannel } from './channel.ts';
import { parseTryitBody, toInbound, tryitToken } from './inbound.ts';
import { TRYIT_PAGE } from './page.ts';

export function registerTryit(app: FastifyInstance, deps: { handler: InboundHandler; delivery: Delivery; channel: TryitChannel; now?: () => Date }): void {
  const now = deps.now ?? (() => new Date());

  app.get('/try', async (_req, reply) => reply.type('text/html; charset=utf-8').send(TRYIT_PAGE));

  app.post('/try/api/messages', async (req, reply) => {
    const parsed = parseTryitBody(req.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    const msg = toInbound(parsed.body, now().toISOString());
    const outcome = await deps.handler.handle(msg);
    return { outcome, messages: deps.channel.drain(msg.address) };
  });

  app.get('/try/api/messages', async (req, reply) => {
    const parsed = tryitToken.safeParse((req.query as Record<string, unknown>).token);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues[0]?.message });
    await deps.delivery.flush('tryit', parsed.data);
    return { messages: deps.channel.drain(parsed.data) };
  });
}
