/**
 * HTTP routes of the try-it channel: the page and a small JSON API (bodies mapped in inbound.ts).
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import type { TryitChannel } from './channel.ts';
import { parseTryitBody, toInbound, tryitToken } from './inbound.ts';
import { TRYIT_PAGE } from './page.ts';

const PROMPT_TYPES: Record<string, string> = {
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.ogg': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.wav': 'audio/wav',
  '.mp4': 'video/mp4',
  '.webm': 'video/webm',
  '.mov': 'video/quicktime',
};

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

  // Recorded prompts by the opaque id the messages carry (not by path: that would show the server's folders).
  app.get('/try/api/prompts/:id', async (req, reply) => {
    const file = deps.channel.promptFile((req.params as { id: string }).id);
    const size = file && (await stat(file).catch(() => null))?.size;
    if (!file || size === undefined || size === null) return reply.code(404).send({ error: 'no such prompt; reload the page' });
    return reply
      .type(PROMPT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream')
      .header('content-length', size)
      .send(createReadStream(file));
  });

  app.get('/try/api/messages', async (req, reply) => {
    const parsed = tryitToken.safeParse((req.query as Record<string, unknown>).token);
    if (!parsed.success) return reply.code(400).send({ error: parsed.error.issues[0]?.message });
    await deps.delivery.flush('tryit', parsed.data);
    return { messages: deps.channel.drain(parsed.data) };
  });
}
