/**
 * The gate in front of every HTTP route: a route is open only if it is on the public list
 * (health, the respondents' try-it chat, the Telegram webhook, the login page); /api/v1 has
 * its own bearer-token gate; everything else needs a dashboard session, the role the route
 * asks for, and — for anything but GET/HEAD — the session's CSRF token. Bull Board's own UI
 * cannot send that token, so on its API an admin's request may prove it comes from our own
 * pages instead: a same-origin `Origin` header or `Sec-Fetch-Site: same-origin`.
 * @module
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Role, User } from '../../storage/accounts.ts';
import type {} from '@fastify/cookie';
import { hasAnyRole } from './access.ts';
import { SESSION_COOKIE, type Auth } from './auth.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** The logged-in dashboard user and the session's CSRF token; null on public and API routes. */
    dashboard: { user: User; csrfToken: string } | null;
  }
  interface FastifyContextConfig {
    /** Roles allowed on a dashboard route (in the organisation of its pilot); absent means every logged-in user. */
    roles?: readonly Role[];
  }
}

export const API_PREFIX = '/api/v1/';
/** Bull Board's JSON API (its buttons: retry, pause, clean, …). */
export const QUEUE_BOARD_API = '/admin/queues/api/';

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A same-site path to return to after login; anything else becomes "/". */
export function localPath(next: unknown): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/**
 * Whether the browser says the request comes from one of our own pages: no header that says
 * otherwise, and at least one that says so. Browsers set both headers themselves; a page on
 * another site can forge neither. `publicOrigin` is the dashboard's address as browsers see it
 * (PUBLIC_URL), for a proxy that rewrites the Host header.
 */
export function sameOrigin(req: FastifyRequest, publicOrigin: string | null): boolean {
  const site = req.headers['sec-fetch-site'];
  const origin = req.headers.origin;
  if (site !== undefined && site !== 'same-origin') return false;
  if (origin !== undefined && origin !== `${req.protocol}://${req.host}` && origin !== publicOrigin) return false;
  return site === 'same-origin' || origin !== undefined;
}

export interface GuardOptions {
  auth: Auth;
  /** The dashboard's origin as browsers see it (PUBLIC_URL), or null. */
  publicOrigin: string | null;
  publicRoutes: ReadonlySet<string>;
  /** Renders the refusal page for a logged-in user (wrong role, stale form). */
  refuse: (req: FastifyRequest, reply: FastifyReply, status: 403, key: 'forbidden' | 'csrf') => FastifyReply;
}

export function installGuard(server: FastifyInstance, o: GuardOptions): void {
  server.decorateRequest('dashboard', null);

  server.addHook('onRequest', async (req, reply) => {
    const route = req.routeOptions.url;
    if (route !== undefined && (o.publicRoutes.has(route) || route.startsWith(API_PREFIX))) return;
    const session = await o.auth.session(req.cookies[SESSION_COOKIE]);
    if (!session) {
      if (req.method === 'GET' && route !== undefined) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      return reply.code(401).send({ error: 'log in to the dashboard first (POST /login)' });
    }
    req.dashboard = session;
    if (route?.startsWith('/admin/') && session.user.role !== 'admin') return o.refuse(req, reply, 403, 'forbidden');
    // A role in some organisation lets the request through; pilot pages then check the role in the pilot's organisation.
    const roles = req.routeOptions.config?.roles;
    if (roles && !hasAnyRole(session.user, roles)) return o.refuse(req, reply, 403, 'forbidden');
    return undefined;
  });

  // Bodies are parsed by now; every state-changing request of a session must carry its token.
  server.addHook('preHandler', async (req, reply) => {
    if (!req.dashboard || req.method === 'GET' || req.method === 'HEAD') return undefined;
    if (req.routeOptions.url?.startsWith(QUEUE_BOARD_API) && req.dashboard.user.role === 'admin' && sameOrigin(req, o.publicOrigin)) return undefined;
    const sent = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !safeEqual(sent, req.dashboard.csrfToken)) return o.refuse(req, reply, 403, 'csrf');
    return undefined;
  });
}
