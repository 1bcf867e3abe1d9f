/**
 * Bull Board (queue inspection: waiting, active, failed jobs, retries) at /admin/queues.
 * Registered after the dashboard, so the dashboard's gate (login, admin role for /admin/*)
 * covers its pages, API and assets; the scope checks the admin role once more, so the board
 * stays closed even if it were ever mounted elsewhere.
 * @module
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance } from 'fastify';
import type {} from './gate.ts';
import type { Queues } from '../../workers/queues.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

export async function mountQueueBoard(server: FastifyInstance, queues: Queues): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'stemmen queues' } },
  });
  await server.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (req.dashboard?.user.role !== 'admin') return reply.code(403).send({ error: 'queues are for dashboard admins' });
      return undefined;
    });
    await scope.register(adapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
