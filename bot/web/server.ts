/**
 * The HTTP server: one Fastify instance with one error boundary, security headers and rate
 * limits first, then the dashboard (and its gate) so the gate covers every route, then health,
 * the channels' own routes (try-it, Telegram webhook, WhatsApp admin) and the queue board.
 * @module
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { DashboardDeps } from './dashboard/context.ts';
import { pageContext, sendError } from './dashboard/context.ts';
import { mountDashboard, type DashboardOptions, type RouteList } from './dashboard/index.ts';
import { DASHBOARD_CSS } from './dashboard/layout.ts';
import { CSV_FILE_SCRIPT } from './dashboard/pages/builder/csv-file.ts';
import { type BoardQueue, mountQueueBoard } from './queue-board.ts';
import { installRateLimits, RateLimitedError } from './rate-limit.ts';
import { cspHash, inlineHashes, installSecurityHeaders } from './security.ts';

/** The server as the composition root and the channels' route mounts see it. */
export type WebServer = FastifyInstance;

export const HEALTH_PATH = '/healthz';
/** The public routes with an HTTP rate limit, and which budget each one uses. */
export const LIMITED_ROUTES = [
  { method: 'POST', url: '/login', budget: 'login' },
  { method: 'POST', url: '/try/api/messages', budget: 'tryit' },
  { method: 'POST', url: '/try/api/media', budget: 'tryit' },
  { method: 'GET', url: '/try/api/messages', budget: 'tryit' },
  { method: 'GET', url: '/try/api/prompts/:id', budget: 'tryit' },
] as const;

export interface HttpSettings {
  /** Fastify's trustProxy: which proxies' X-Forwarded-For to believe for request.ip. */
  trustProxy: boolean | number | readonly string[];
  /** Requests per minute per client address (0 = no limit). */
  rateLimits: Readonly<{ login: number; tryit: number }>;
  /** The rate limits' Redis key prefix. */
  rateLimitNameSpace: string;
}

export interface WebServerDeps {
  log: Logger;
  dashboard: DashboardDeps;
  /** Gate settings; `publicRoutes` are the channels' open routes (health is added here). */
  gate: DashboardOptions;
  http: HttpSettings;
  /** An ioredis client for shared rate-limit counters (workers/redis.ts), or null for in-memory ones. */
  rateLimitRedis: unknown;
  /** Every queue, shown at /admin/queues. */
  queues: readonly BoardQueue[];
  /** Constant pages served by the mounts (the try-it page): their inline scripts and styles are allowed by hash. */
  inlinePages: readonly string[];
  /** The channels' routes (try-it, webhook, admin), registered behind the gate. */
  mounts: ReadonlyArray<(server: WebServer) => void>;
}

/**
 * Fastify's own hop count trusts nothing (it cannot tell a proxy from a client that sends
 * X-Forwarded-For itself), so a count becomes "the nearest n hops are proxies", as in Express:
 * right only when nothing but the proxies can reach the server (README: TRUST_PROXY).
 */
export function trustProxyOption(t: HttpSettings['trustProxy']): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof t === 'number') return (_address, hop) => hop < t;
  return typeof t === 'boolean' ? t : [...t];
}

export interface Web {
  server: WebServer;
  /** Every HTTP route (method, url pattern), to prove each one is behind the dashboard gate. */
  routes: RouteList;
}

export async function createWebServer(deps: WebServerDeps): Promise<Web> {
  const server = Fastify({ logger: false, bodyLimit: 256 * 1024, trustProxy: trustProxyOption(deps.http.trustProxy) });
  // One error boundary for HTTP: log without request bodies (they hold answers), answer calmly.
  server.setErrorHandler((error, req, reply) => {
    if (error instanceof RateLimitedError) {
      // Not logged per request (a flood would flood the log); a browser gets a page, the chat its JSON.
      if (!/text\/html/.test(String(req.headers.accept ?? ''))) return reply.code(429).send({ error: error.message });
      const ctx = pageContext(deps.dashboard, req);
      return sendError(reply, ctx, 429, ctx.t('errors.too_many_requests', { seconds: error.retryAfterSeconds }));
    }
    const err = error as { message?: string; name?: string; statusCode?: number };
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    deps.log.error({ err: { message: err.message, name: err.name }, route: req.routeOptions.url }, 'request failed');
    return reply.code(status).send({ error: status < 500 ? err.message : 'internal error; see the server log' });
  });
  const pages = deps.inlinePages.map(inlineHashes);
  await installSecurityHeaders(server, {
    scripts: [cspHash(CSV_FILE_SCRIPT), ...pages.flatMap((p) => p.scripts)],
    styles: [cspHash(DASHBOARD_CSS), ...pages.flatMap((p) => p.styles)],
  });
  // Before any route: the limits attach to the routes as they are registered.
  await installRateLimits(server, {
    rules: LIMITED_ROUTES.map((r) => ({ method: r.method, url: r.url, max: deps.http.rateLimits[r.budget] })),
    windowMs: 60_000,
    redis: deps.rateLimitRedis,
    nameSpace: deps.http.rateLimitNameSpace,
  });
  // First, so its gate covers every route: only the public ones (and the login page) are open to anyone.
  const routes = await mountDashboard(server, deps.dashboard, { ...deps.gate, publicRoutes: [HEALTH_PATH, ...deps.gate.publicRoutes] });
  server.get(HEALTH_PATH, async () => ({ ok: true }));
  for (const mount of deps.mounts) mount(server);
  await mountQueueBoard(server, deps.queues);
  return { server, routes };
}
