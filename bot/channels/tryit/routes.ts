/**
 * HTTP routes of the try-it channel: the page (`/try`, `/try/<pilot code>`), a small JSON API
 * (bodies mapped in inbound.ts), recordings from the page, and the recorded prompts.
 * @module
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { i18n as I18n } from 'i18next';
import { ALLOWED, sniff } from '../../../workers/media/sniff.ts';
import { discardTryitUpload, putTryitUpload } from '../../../workers/media/tryit-inbox.ts';
import type { InboundHandler } from '../../conversation/handler.ts';
import type { Delivery } from '../../delivery/outbox.ts';
import type { TryitChannel } from './channel.ts';
import { mediaToInbound, parseTryitBody, parseTryitMediaQuery, toInbound, tryitToken } from './inbound.ts';
import { pageLanguage, tryitLabels } from './labels.ts';
import { tryitPage } from './page.ts';

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

const PILOT_CODE = /^[a-z0-9][a-z0-9-]{0,31}$/;

export interface TryitRouteDeps {
  handler: InboundHandler;
  delivery: Delivery;
  channel: TryitChannel;
  i18n: I18n;
  /** Where recordings wait for the media worker, and the limits it applies (MEDIA_DIR, MEDIA_MAX_MB, MEDIA_MAX_SECONDS). */
  media: { dir: string; maxBytes: number; maxSeconds: number };
  now?: () => Date;
}

export function registerTryit(app: FastifyInstance, deps: TryitRouteDeps): void {
  const now = deps.now ?? (() => new Date());
  const limits = { maxBytes: deps.media.maxBytes, maxSeconds: deps.media.maxSeconds };
  const labels = tryitLabels(deps.i18n, limits);
  const languages = Object.keys(labels);

  // The chrome opens in ?lang= or the browser's language; the script follows the respondent's choice.
  const sendPage = (req: FastifyRequest, reply: FastifyReply, code: string | null) =>
    reply.type('text/html; charset=utf-8').send(
      tryitPage({
        lang: pageLanguage((req.query as Record<string, unknown>).lang, req.headers['accept-language'], languages),
        labels,
        code,
        ...limits,
      }),
    );
  app.get('/try', async (req, reply) => sendPage(req, reply, null));
  app.get('/try/:code', async (req, reply) => {
    const code = (req.params as { code: string }).code.toLowerCase();
    if (!PILOT_CODE.test(code)) return reply.code(404).send({ error: 'a pilot code is lower-case letters, digits and -' });
    return sendPage(req, reply, code);
  });

  app.post('/try/api/messages', async (req, reply) => {
    const parsed = parseTryitBody(req.body);
    if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
    const msg = toInbound(parsed.body, now().toISOString());
    const outcome = await deps.handler.handle(msg);
    return { outcome, messages: deps.channel.drain(msg.address) };
  });

  // A recording as the raw body (what MediaRecorder or a file input gives), kept in the inbox for
  // the media worker: the same pipeline, checks and statuses as a Telegram voice note.
  app.register(async (scope) => {
    scope.addContentTypeParser(/^(audio|video)\/|^application\/octet-stream$/, { parseAs: 'buffer', bodyLimit: deps.media.maxBytes }, (_req, body, done) =>
      done(null, body),
    );
    scope.post('/try/api/media', { bodyLimit: deps.media.maxBytes }, async (req, reply) => {
      const parsed = parseTryitMediaQuery(req.query);
      if (!parsed.ok) return reply.code(400).send({ error: parsed.error });
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      // Error codes the page shows in the respondent's language (labels.ts).
      if (body.length === 0) return reply.code(400).send({ error: 'empty' });
      const container = sniff(body.subarray(0, 16));
      if (!container || !ALLOWED[parsed.query.kind].includes(container)) return reply.code(415).send({ error: 'not_media' });
      const id = await putTryitUpload(deps.media.dir, body);
      const mimeType = String(req.headers['content-type'] ?? '').split(';')[0]!;
      const msg = mediaToInbound(parsed.query, { id, bytes: body.length, mimeType }, now().toISOString());
      let outcome;
      try {
        outcome = await deps.handler.handle(msg);
      } catch (e) {
        // Not taken: the page keeps the recording and sends it again (a new upload).
        await discardTryitUpload(deps.media.dir, id);
        throw e;
      }
      // A redelivery: the first copy is the one the answer points at.
      if (outcome === 'duplicate') await discardTryitUpload(deps.media.dir, id);
      return { outcome, messages: deps.channel.drain(msg.address) };
    });
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
