/**
 * The Cloud API webhook: GET answers Meta's verification (`hub.challenge` when `hub.verify_token`
 * matches), POST takes messages and status callbacks. Every POST must carry a valid
 * `X-Hub-Signature-256` over the raw body; otherwise 401 and nothing is read or stored.
 * Messages are handed to the inbound boundary before 200 is answered, so a call the store could
 * not take (5xx) is redelivered by Meta; redeliveries are deduplicated on the message id.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Pseudonymizer } from '../../../storage/pseudonym.ts';
import type { Store } from '../../../storage/store.ts';
import type { CloudWhatsAppStore } from '../../../storage/whatsapp-cloud.ts';
import type { InboundReceiver } from '../boundary.ts';
import { fromWebhook } from './inbound.ts';
import type { CloudWebhook } from './payload.ts';
import { validSignature } from './signature.ts';

export type WebhookServer = FastifyInstance;

export const CLOUD_WEBHOOK_PATH = '/whatsapp/cloud/webhook';
/** Meta's webhook bodies are small; media comes by id. */
const BODY_LIMIT = 3 * 1024 * 1024;

export interface WebhookDeps {
  appSecret: string;
  verifyToken: string;
  phoneNumberId: string;
  inbound: InboundReceiver;
  store: Store;
  cloud: CloudWhatsAppStore;
  pseudonyms: Pseudonymizer;
  windowKey: (address: string) => string;
  log: Logger;
  now?: () => Date;
}

const same = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * How far our record of a window may lag: it then looks closed up to this much early, and a
 * template (always allowed) goes instead of a normal message.
 */
const WINDOW_WRITE_EVERY_MS = 10 * 60 * 1000;
const CACHE_MAX = 10_000;

export function mountCloudWebhook(server: FastifyInstance, deps: WebhookDeps): void {
  const now = () => (deps.now?.() ?? new Date()).toISOString();
  // One commit fewer per message (each is an fsync, and the webhook waits for it).
  const windows = new Map<string, number>();
  const bounded = <V>(m: Map<string, V>, k: string, v: V) => {
    if (m.size >= CACHE_MAX) m.clear();
    m.set(k, v);
  };
  const recordWindow = async (address: string, receivedAt: string) => {
    const key = deps.windowKey(address);
    const t = Date.parse(receivedAt);
    const last = windows.get(key);
    if (last !== undefined && t >= last && t - last < WINDOW_WRITE_EVERY_MS) return;
    await deps.cloud.wrote(key, receivedAt);
    bounded(windows, key, t);
  };
  void server.register(async (scope) => {
    // The signature covers the bytes as sent: keep them raw for this route only.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));

    scope.get(CLOUD_WEBHOOK_PATH, async (req, reply) => {
      const q = req.query as Record<string, string | undefined>;
      if (q['hub.mode'] === 'subscribe' && typeof q['hub.verify_token'] === 'string' && same(q['hub.verify_token'], deps.verifyToken)) {
        return reply.type('text/plain').send(q['hub.challenge'] ?? '');
      }
      deps.log.warn({ channel: 'whatsapp' }, 'whatsapp cloud: webhook verification with a wrong verify token (check WHATSAPP_VERIFY_TOKEN)');
      return reply.code(403).send({ error: 'verify token does not match' });
    });

    scope.post(CLOUD_WEBHOOK_PATH, async (req, reply) => {
      const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (!validSignature(raw, req.headers['x-hub-signature-256'], deps.appSecret)) {
        deps.log.warn({ channel: 'whatsapp' }, 'whatsapp cloud: webhook call with a missing or bad signature refused (check WHATSAPP_APP_SECRET)');
        return reply.code(401).send({ error: 'bad signature' });
      }
      let payload: CloudWebhook;
      try {
        payload = JSON.parse(raw.toString('utf8')) as CloudWebhook;
      } catch {
        return reply.code(400).send({ error: 'body is not JSON' });
      }
      const { messages, statuses } = fromWebhook(payload, deps.phoneNumberId, now());
      for (const s of statuses) await deps.cloud.status(s.messageId, s.status, s.errorCode, s.at);
      for (const msg of messages) {
        await recordWindow(msg.address, msg.receivedAt);
        const keys = (msg.aliases ?? [msg.address]).map((a) => deps.pseudonyms.aliasKey('whatsapp', a));
        msg.identity = await deps.store.resolveIdentity('whatsapp', keys, (c) => deps.pseudonyms.respondentId('whatsapp', c), now());
        await deps.inbound.receive(msg, { delivery: 'background' });
      }
      return reply.code(200).send({ ok: true });
    });
  });
}
