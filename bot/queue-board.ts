/**
 * Bull Board (queue inspection: waiting, active, failed jobs, retries) at /admin/queues.
 * Registered in its own fastify scope so the guard applies to its pages, API and assets.
 * @module
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Queues } from '../workers/queues.ts';

export const QUEUE_BOARD_PATH = '/admin/queues';

/** Decides whether a request may see the board; replies itself (401/403/redirect) when not. */
export type AdminGuard = (req: FastifyRequest, reply: FastifyReply) => Promise<boolean>;

export async function mountQueueBoard(server: FastifyInstance, queues: Queues, guard: AdminGuard): Promise<void> {
  const adapter = new FastifyAdapter();
  adapter.setBasePath(QUEUE_BOARD_PATH);
  createBullBoard({
    queues: queues.all().map((q) => new BullMQAdapter(q, { readOnlyMode: false })),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'stemmen queues' } },
  });
  await server.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      if (!(await guard(req, reply))) return reply;
      return undefined;
    });
    await scope.register(adapter.registerPlugin(), { prefix: QUEUE_BOARD_PATH });
  });
}
