/**
 * HTTP rate limits on the public routes (login form, try-it chat API), over real HTTP: past
 * the limit the answer is 429 with Retry-After (a page for a browser, JSON for the chat); the
 * counters live in Redis under the installation's prefix, so two servers on one Redis share
 * one budget; with RATE_LIMIT_STORE=memory they stay in the process. TRUST_PROXY decides
 * whether X-Forwarded-For names the client.
 */
import { afterEach, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { ConfigError, loadConfig } from '../../bot/config.ts';
import { installRateLimits } from '../../bot/web/rate-limit.ts';
import { connectRateLimitRedis } from '../../workers/redis.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { HttpBrowser } from '../helpers/http-browser.ts';
import { forEachKeys, uniquePrefix } from '../helpers/redis.ts';

const apps: TestApp[] = [];
async function start(env: Record<string, string>): Promise<TestApp> {
  const app = await startTestApp(env);
  apps.push(app);
  return app;
}
afterEach(async () => {
  for (const app of apps.splice(0)) await app.dispose();
});

const poll = (app: TestApp, headers: Record<string, string> = {}) => fetch(`${app.url}/try/api/messages?token=${'t'.repeat(24)}`, { headers });

async function redisKeys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  await forEachKeys(prefix, async (_r, keys) => {
    found.push(...keys);
  });
  return found;
}

describe('HTTP rate limits', () => {
  it('answers the chat API past its limit with 429, Retry-After and a JSON reason, counted in Redis', async () => {
    const app = await start({ TRYIT_RATE_LIMIT: '3' });
    for (let i = 0; i < 3; i++) expect((await poll(app)).status).toBe(200);
    const refused = await poll(app);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(refused.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(await refused.json()).toEqual({ error: expect.stringMatching(/^too many requests; try again in \d+ seconds$/) });
    // HEAD has a budget of the same size (fastify's HEAD twin of the GET route).
    const head = () => fetch(`${app.url}/try/api/messages?token=${'t'.repeat(24)}`, { method: 'HEAD' });
    for (let i = 0; i < 3; i++) expect((await head()).status).toBe(200);
    expect((await head()).status).toBe(429);
    // Each route has its own budget: posting a message still works.
    const post = await fetch(`${app.url}/try/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: 'u'.repeat(24), messageId: 'm1', command: 'start' }),
    });
    expect(post.status).toBe(200);
    expect(await redisKeys(app.config.redis.prefix)).toContain(`${app.config.redis.prefix}:ratelimit:GET/try/api/messages-127.0.0.1`);
  });

  it('refuses login posts past the limit with a calm page, before any password is checked', async () => {
    const app = await start({ LOGIN_RATE_LIMIT: '2' });
    const b = new HttpBrowser(app.url);
    for (let i = 0; i < 2; i++) expect((await b.login('nobody@example.org', 'wrong password here', { accept: 'text/html' })).status).toBe(401);
    const refused = await b.login('nobody@example.org', 'wrong password here', { accept: 'text/html' });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(refused.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await refused.text()).toMatch(/Too many requests from your address\. Wait \d+ seconds and try again\./);
    // GET /login (the form itself) is not limited.
    expect((await b.get('/login')).status).toBe(200);
  });

  it('shares one budget between two servers on one Redis, and keeps it per process with the memory store', async () => {
    const prefix = uniquePrefix();
    const a = await start({ TRYIT_RATE_LIMIT: '4', QUEUE_PREFIX: prefix });
    const b = await start({ TRYIT_RATE_LIMIT: '4', QUEUE_PREFIX: prefix });
    expect((await poll(a)).status).toBe(200);
    expect((await poll(b)).status).toBe(200);
    expect((await poll(a)).status).toBe(200);
    expect((await poll(b)).status).toBe(200);
    expect((await poll(a)).status).toBe(429);
    expect((await poll(b)).status).toBe(429);

    const m1 = await start({ TRYIT_RATE_LIMIT: '2', RATE_LIMIT_STORE: 'memory' });
    const m2 = await start({ TRYIT_RATE_LIMIT: '2', RATE_LIMIT_STORE: 'memory', QUEUE_PREFIX: m1.config.redis.prefix });
    for (let i = 0; i < 2; i++) expect((await poll(m1)).status).toBe(200);
    expect((await poll(m1)).status).toBe(429);
    expect((await poll(m2)).status).toBe(200);
    expect((await redisKeys(m1.config.redis.prefix)).filter((k) => k.includes(':ratelimit:'))).toEqual([]);
  }, 60_000);

  it('keys on the X-Forwarded-For address with TRUST_PROXY=1, and on the socket address without', async () => {
    const trusting = await start({ TRYIT_RATE_LIMIT: '2', TRUST_PROXY: '1' });
    const from = (ip: string) => ({ 'x-forwarded-for': ip });
    expect((await poll(trusting, from('203.0.113.7'))).status).toBe(200);
    expect((await poll(trusting, from('203.0.113.7'))).status).toBe(200);
    expect((await poll(trusting, from('203.0.113.7'))).status).toBe(429);
    expect((await poll(trusting, from('198.51.100.9'))).status).toBe(200);
    // One hop: only the address the proxy appended counts, not what the client claimed before it.
    expect((await poll(trusting, from('198.51.100.9, 203.0.113.7'))).status).toBe(429);

    const direct = await start({ TRYIT_RATE_LIMIT: '2' });
    expect((await poll(direct, from('203.0.113.7'))).status).toBe(200);
    expect((await poll(direct, from('198.51.100.9'))).status).toBe(200);
    expect((await poll(direct, from('192.0.2.1'))).status).toBe(429);
  }, 60_000);
});

describe('a Redis outage', () => {
  it('lets requests through instead of failing them, and reports the problem', async () => {
    const problems: string[] = [];
    // Nothing listens on port 1: the far side of the wire is simply absent.
    const redis = await connectRateLimitRedis('redis://127.0.0.1:1', (e) => problems.push(e.message));
    const server = Fastify();
    try {
      await installRateLimits(server, {
        rules: [{ method: 'GET', url: '/limited', max: 1 }],
        windowMs: 60_000,
        redis,
        nameSpace: `${uniquePrefix()}:ratelimit:`,
      });
      server.get('/limited', async () => ({ ok: true }));
      const url = await server.listen({ port: 0, host: '127.0.0.1' });
      for (let i = 0; i < 3; i++) expect((await fetch(`${url}/limited`)).status).toBe(200);
      expect(problems.length).toBeGreaterThan(0);
    } finally {
      await server.close();
      redis.disconnect();
    }
  });
});

describe('TRUST_PROXY and the limits in the configuration', () => {
  it('reads false, true, a hop count and address lists, and names the variable and the fix for anything else', () => {
    const http = (env: Record<string, string>) => loadConfig(env).http;
    expect(http({})).toEqual({ trustProxy: false, publicOrigin: null, rateLimits: { login: 20, tryit: 600 }, rateLimitStore: 'redis' });
    expect(http({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(http({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(http({ TRUST_PROXY: '0' }).trustProxy).toBe(false);
    expect(http({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1,fd00::/8,loopback' }).trustProxy).toEqual(['10.0.0.0/8', '127.0.0.1', '::1', 'fd00::/8', 'loopback']);
    expect(http({ PUBLIC_URL: 'https://stemmen.example.org/dashboard' }).publicOrigin).toBe('https://stemmen.example.org');
    for (const bad of ['yes', '10.0.0.0/33', '10.0.0.1/8/1', 'proxy.example.org', '1.2.3']) {
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(ConfigError);
      expect(() => loadConfig({ TRUST_PROXY: bad })).toThrow(/TRUST_PROXY=.*use false, true, a hop count/);
    }
    expect(() => loadConfig({ LOGIN_RATE_LIMIT: '-1' })).toThrow(/LOGIN_RATE_LIMIT/);
    expect(() => loadConfig({ RATE_LIMIT_STORE: 'disk' })).toThrow(/RATE_LIMIT_STORE/);
  });
});
