/**
 * Bull Board (queue inspection: waiting, active, failed jobs, retries) at /admin/queues, for
 * every queue: media, speech, maintenance, reminders, campaigns.
 * Registered after the dashboard, so the dashboard's gate (login, admin role for /admin/*)
 * covers its pages, API and assets; the scope checks the admin role once more, so the board
 * stays closed even if it were ever mounted elsewhere. Its buttons send PUTs without our CSRF
 * token: the gate accepts a same-origin proof instead on its API (gate.ts).
 * @module
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { Queue } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import type {} from './gate.ts';
import { QUEUE_BOARD_CSP, routeCsp } from './security.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** A queue as the board shows it (the web app passes the workers' queues through, unopened). */
export type BoardQueue = Queue;

/** Bull Board's page loads IBM Plex from Google Fonts: that would tell Google every admin's address, so the board uses system fonts. */
const GOOGLE_FONTS = /<link[^>]*fonts\.googleapis\.com[^>]*>/g;

export async function mountQueueBoard(server: FastifyInstance, queues: readonly BoardQueue[]): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'stemmen queues' } },
  });
  await server.register(async (scope) => {
    scope.addHook('onRoute', (r) => {
      r.config = { ...r.config, ...routeCsp(QUEUE_BOARD_CSP) } as NonNullable<typeof r.config>;
    });
    scope.addHook('onRequest', async (req, reply) => {
      if (req.dashboard?.user.role !== 'admin') return reply.code(403).send({ error: 'queues are for dashboard admins' });
      return undefined;
    });
    scope.addHook('onSend', async (_req, reply, payload) =>
      typeof payload === 'string' && String(reply.getHeader('content-type')).startsWith('text/html') ? payload.replace(GOOGLE_FONTS, '') : payload,
    );
    await scope.register(adapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
