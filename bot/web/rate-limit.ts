/**
 * HTTP rate limits (@fastify/rate-limit) in front of the routes anyone may call: the login
 * form and the try-it chat API. Counted per client address (request.ip, right behind a proxy
 * when TRUST_PROXY says so) and route, in Redis when the app hands over a client — then every
 * process behind a load balancer shares one budget — else in this process's memory.
 *
 * The Redis client comes from workers/ (workers/redis.ts): ioredis stays in that room, this
 * file only passes the client to the plugin.
 * @module
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';

export interface RateLimitRule {
  method: string;
  url: string;
  /** Requests per window per client address; 0 = no limit. */
  max: number;
}

export interface RateLimitOptions {
  rules: readonly RateLimitRule[];
  windowMs: number;
  /** An ioredis client (from workers/redis.ts); null = in-memory counters. */
  redis: unknown;
  /** Key prefix in Redis: one per installation, like the queues'. */
  nameSpace: string;
}

/** Thrown when a limit is exceeded; the server's error boundary answers it (a page for browsers, JSON for the chat). */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  readonly statusCode = 429;
  constructor(readonly retryAfterSeconds: number) {
    super(`too many requests; try again in ${retryAfterSeconds} seconds`);
  }
}

/** Register before any limited route: the limits attach to routes as they are registered. */
export async function installRateLimits(server: FastifyInstance, o: RateLimitOptions): Promise<void> {
  const limits = new Map(o.rules.filter((r) => r.max > 0).map((r) => [`${r.method} ${r.url}`, r.max]));
  // Added before the plugin's own onRoute hook, which reads config.rateLimit.
  server.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) {
      // Fastify's automatic HEAD twin of a GET route is limited like the GET.
      const max = limits.get(`${method === 'HEAD' ? 'GET' : method} ${r.url}`);
      if (max !== undefined) r.config = { ...r.config, rateLimit: { max, timeWindow: o.windowMs } } as NonNullable<typeof r.config>;
    }
  });
  await server.register(rateLimit, {
    global: false,
    ...(o.redis ? { redis: o.redis } : {}),
    nameSpace: o.nameSpace,
    // A Redis outage must not take login and the chat down with it; the login limit in the store still holds.
    skipOnError: true,
    errorResponseBuilder: (_req, ctx) => new RateLimitedError(Math.max(1, Math.ceil(ctx.ttl / 1000))),
  });
}
