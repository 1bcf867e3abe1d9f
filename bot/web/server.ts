/**
 * The HTTP server: one Fastify instance with one error boundary, the dashboard (and its gate)
 * mounted first so the gate covers every route, then health, the channels' own routes
 * (try-it, Telegram webhook, WhatsApp admin) and the queue board.
 * @module
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Queues } from '../../workers/queues.ts';
import type { DashboardDeps } from './dashboard/context.ts';
import { mountDashboard, type DashboardOptions, type RouteList } from './dashboard/index.ts';
import { mountQueueBoard } from './queue-board.ts';

/** The server as the composition root and the channels' route mounts see it. */
export type WebServer = FastifyInstance;

export const HEALTH_PATH = '/healthz';

export interface WebServerDeps {
  log: Logger;
  dashboard: DashboardDeps;
  /** Gate settings; `publicRoutes` are the channels' open routes (health is added here). */
  gate: DashboardOptions;
  /** Media queues, shown at /admin/queues. */
  queues: Queues;
  /** The channels' routes (try-it, webhook, admin), registered behind the gate. */
  mounts: ReadonlyArray<(server: WebServer) => void>;
}

export interface Web {
  server: WebServer;
  /** Every HTTP route (method, url pattern), to prove each one is behind the dashboard gate. */
  routes: RouteList;
}

export async function createWebServer(deps: WebServerDeps): Promise<Web> {
  const server = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  // One error boundary for HTTP: log without request bodies (they hold answers), answer calmly.
  server.setErrorHandler((error, req, reply) => {
    const err = error as { message?: string; name?: string; statusCode?: number };
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    deps.log.error({ err: { message: err.message, name: err.name }, route: req.routeOptions.url }, 'request failed');
    void reply.code(status).send({ error: status < 500 ? err.message : 'internal error; see the server log' });
  });
  // First, so its gate covers every route: only the public ones (and the login page) are open to anyone.
  const routes = await mountDashboard(server, deps.dashboard, { ...deps.gate, publicRoutes: [HEALTH_PATH, ...deps.gate.publicRoutes] });
  server.get(HEALTH_PATH, async () => ({ ok: true }));
  for (const mount of deps.mounts) mount(server);
  await mountQueueBoard(server, deps.queues);
  return { server, routes };
}
