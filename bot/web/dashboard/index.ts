/**
 * Mounts the coordinator dashboard and the read API on the app's fastify server: cookie and
 * form parsing, the gate in front of every route, the pages, /api/v1. Call it before any
 * other route is registered, so the gate covers everything.
 * @module
 */
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import { Accounts } from '../../../storage/accounts.ts';
import { registerApi } from '../api/routes.ts';
import { Auth } from '../auth.ts';
import { pageContext, sendError, type DashboardDeps } from './context.ts';
import { installGuard } from '../gate.ts';
import { LOGIN_ROUTES, registerLogin } from './pages/login.ts';
import { registerCodebook } from './pages/codebook.ts';
import { registerCodingRoutes } from './pages/coding-controls.ts';
import { registerAnswers } from './pages/answers.ts';
import { registerCompare } from './pages/compare.ts';
import { registerDeadLetters } from './pages/dead-letters.ts';
import { registerExpertpool } from './pages/expertpool.ts';
import { registerExports } from './pages/exports.ts';
import { registerMap } from './pages/map.ts';
import { registerMedia } from './pages/media.ts';
import { registerPilots } from './pages/pilots.ts';
import { registerQueue } from './pages/queue.ts';
import { registerWorkshop } from './pages/workshop/routes.ts';
import { registerTryitPicker } from './pages/tryit.ts';
import { registerBuilder } from './pages/builder/build.ts';
import { registerLaunch } from './pages/builder/launch.ts';

export interface DashboardOptions {
  /** Routes anyone may call (health, try-it, webhooks); the login routes are added here. */
  publicRoutes: readonly string[];
  secureCookie: boolean;
  sessionHours: number;
  maxLoginFailures: number;
  /** The dashboard's origin as browsers see it (PUBLIC_URL), accepted as same-origin proof on Bull Board's API. */
  publicOrigin: string | null;
}

/** Every route registered after the dashboard was mounted (all of them), for the auth crawl test. */
export type RouteList = ReadonlyArray<{ method: string; url: string }>;

export async function mountDashboard(server: FastifyInstance, deps: DashboardDeps, o: DashboardOptions): Promise<RouteList> {
  const routes: Array<{ method: string; url: string }> = [];
  server.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  await server.register(cookie);
  await server.register(formbody, { bodyLimit: 64 * 1024 });
  const accounts = new Accounts(deps.db);
  const auth = new Auth(accounts, { sessionHours: o.sessionHours, maxFailures: o.maxLoginFailures, now: deps.now });
  installGuard(server, {
    auth,
    publicOrigin: o.publicOrigin,
    publicRoutes: new Set([...o.publicRoutes, ...LOGIN_ROUTES]),
    refuse: (req, reply, status, key) => {
      const ctx = pageContext(deps, req);
      return sendError(reply, ctx, status, ctx.t(`errors.${key}`, { role: ctx.user ? ctx.t(`roles.${ctx.user.role}`) : '' }));
    },
  });
  registerLogin(server, deps, auth, { secure: o.secureCookie, maxAgeSeconds: o.sessionHours * 3600 });
  registerPilots(server, deps);
  registerMap(server, deps);
  registerAnswers(server, deps);
  registerQueue(server, deps);
  registerExpertpool(server, deps);
  registerExports(server, deps);
  registerMedia(server, deps);
  registerDeadLetters(server, deps);
  registerCompare(server, deps);
  registerCodebook(server, deps);
  registerCodingRoutes(server, deps);
  registerWorkshop(server, deps);
  registerTryitPicker(server, deps);
  registerBuilder(server, deps, deps.builder);
  registerLaunch(server, deps, deps.builder);
  registerApi(server, { db: deps.db, accounts, rule: deps.rule, surveys: deps.surveys });
  return routes;
}
