/**
 * Login, logout and the language switch. The login form is protected by a double-submit
 * token (a cookie and a hidden field), since there is no session yet to hold one.
 * @module
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { randomToken, SESSION_COOKIE, type Auth } from '../../auth.ts';
import { pageContext, sendPage, type DashboardDeps } from '../context.ts';
import { localPath, safeEqual } from '../../gate.ts';
import { html } from '../html.ts';
import { DASHBOARD_LANGUAGES, LANGUAGE_COOKIE, type PageContext } from '../layout.ts';

const LOGIN_CSRF_COOKIE = 'stemmen_login_csrf';
export const LOGIN_ROUTES = ['/login', '/language/:lng'] as const;

const loginForm = z.object({ email: z.string().max(320), password: z.string().max(1024), _csrf: z.string().max(100), next: z.string().max(2000).optional() });

export function registerLogin(server: FastifyInstance, deps: DashboardDeps, auth: Auth, cookie: { secure: boolean; maxAgeSeconds: number }): void {
  const base = { path: '/', httpOnly: true, sameSite: 'lax' as const, secure: cookie.secure };

  const form = (ctx: PageContext, token: string, next: string, error?: string) => html`
<h1>${ctx.t('login.title')}</h1>
${error ? html`<div class="notice error" role="alert">${error}</div>` : ''}
<form method="post" action="/login" class="card narrow">
<input type="hidden" name="_csrf" value="${token}"><input type="hidden" name="next" value="${next}">
<p><label for="email">${ctx.t('login.email')}</label><input id="email" name="email" type="email" autocomplete="username" required class="wide"></p>
<p><label for="password">${ctx.t('login.password')}</label><input id="password" name="password" type="password" autocomplete="current-password" required class="wide"></p>
<button class="primary" type="submit">${ctx.t('login.submit')}</button></form>`;

  const show = (req: FastifyRequest, reply: FastifyReply, status: number, error?: string) => {
    const ctx = pageContext(deps, req);
    const token = randomToken();
    const next = localPath((req.query as Record<string, unknown> | undefined)?.next ?? (req.body as Record<string, unknown> | undefined)?.next);
    void reply.setCookie(LOGIN_CSRF_COOKIE, token, { ...base, maxAge: 3600 });
    return sendPage(reply, { ...ctx, user: null }, ctx.t('login.title'), form(ctx, token, next, error), status);
  };

  server.get('/login', async (req, reply) => show(req, reply, 200));

  server.post('/login', async (req, reply) => {
    const ctx = pageContext(deps, req);
    const f = loginForm.safeParse(req.body ?? {});
    const expected = req.cookies[LOGIN_CSRF_COOKIE];
    if (!f.success || !expected || !safeEqual(f.data._csrf, expected)) return show(req, reply, 403, ctx.t('errors.csrf'));
    const r = await auth.login(f.data.email, f.data.password, req.ip);
    if (!r.ok && r.reason === 'rate_limited') return show(req, reply.header('retry-after', r.retryAfterSeconds), 429, ctx.t('login.rate_limited'));
    if (!r.ok) return show(req, reply, 401, ctx.t('login.invalid'));
    void reply.clearCookie(LOGIN_CSRF_COOKIE, { path: '/' });
    void reply.setCookie(SESSION_COOKIE, r.token, { ...base, maxAge: cookie.maxAgeSeconds });
    return reply.redirect(localPath(f.data.next), 303);
  });

  server.post('/logout', async (req, reply) => {
    await auth.logout(req.cookies[SESSION_COOKIE]);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });

  // Public: it only sets a display preference.
  server.get('/language/:lng', async (req, reply) => {
    const lng = (req.params as { lng: string }).lng;
    if ((DASHBOARD_LANGUAGES as readonly string[]).includes(lng))
      void reply.setCookie(LANGUAGE_COOKIE, lng, { path: '/', sameSite: 'lax', maxAge: 365 * 86400 });
    return reply.redirect(localPath((req.query as Record<string, unknown>).next), 303);
  });
}
