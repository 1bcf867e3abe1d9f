/**
 * Redis as a component: connection options for BullMQ, a reachability probe, and (for
 * `npm start` on a laptop) a private redis-server started under DATA_DIR when none answers.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect } from 'node:net';
import { delimiter, join } from 'node:path';
import { existsSync } from 'node:fs';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

export class RedisUnavailableError extends Error {
  override name = 'RedisUnavailableError';
}

/** The URL without its password, for logs and messages. */
export function redactRedisUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * ioredis options for a redis[s]:// URL. Producers fail fast (no offline queue) so a request
 * handler never hangs on a Redis outage; workers keep retrying (BullMQ sets
 * maxRetriesPerRequest: null on the connections it creates).
 */
export function redisOptions(url: string, role: 'producer' | 'worker'): RedisOptions {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0;
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    ...(Number.isInteger(db) ? { db } : {}),
    ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
    ...(role === 'producer' ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 } : { maxRetriesPerRequest: null }),
  };
}

/**
 * A connection for the web server's shared rate-limit counters (@fastify/rate-limit's Redis
 * store), made here so ioredis stays in workers/. Fails fast like a producer: a request never
 * waits on a Redis outage (the limiter then lets it through). Connecting is awaited so the
 * first requests are already counted; when Redis does not answer yet, ioredis keeps retrying.
 */
export async function connectRateLimitRedis(url: string, onError: (e: Error) => void): Promise<Redis> {
  const client = new Redis({ ...redisOptions(url, 'producer'), lazyConnect: true });
  client.on('error', onError);
  await client.connect().catch(onError);
  return client;
}

/** True when something answers PING at the URL's host and port within `timeoutMs`. */
export function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const o = redisOptions(url, 'producer');
  return new Promise((resolve) => {
    const socket = connect({ host: o.host!, port: o.port! });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH / -ERR when a password is needed: either way a Redis is there.
    socket.once('data', (d) => done(/^[+-]/.test(String(d))));
  });
}

function onPath(command: string, path = process.env.PATH ?? ''): string | null {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, command);
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

export function redisInstallHelp(url: string): string {
  return [
    `No Redis answers at ${redactRedisUrl(url)}, and redis-server is not installed, so stemmen cannot start one for you.`,
    'Redis holds the queues that process voice notes and videos. Either install it (stemmen then starts and stops it by itself):',
    '  Debian/Ubuntu:  sudo apt-get install redis-server',
    '  macOS:          brew install redis',
    'or run one and point REDIS_URL at it:',
    '  Docker:         docker run -d -p 6379:6379 redis:7 redis-server --appendonly yes --maxmemory-policy noeviction',
    '                  REDIS_URL=redis://127.0.0.1:6379 npm start',
  ].join('\n');
}

export interface LocalRedis {
  /** The redis-server we started, or null when one was already running. */
  child: ChildProcess | null;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

/**
 * Makes sure a Redis answers at `url`. When none does and the URL is local, starts
 * `redis-server` as our child with AOF (delayed jobs and retries survive a restart) and
 * `noeviction` (BullMQ must never lose keys to memory pressure), data under `dir`; it stops
 * with us. Throws RedisUnavailableError with install help otherwise.
 */
export async function ensureRedis(
  url: string,
  dir: string,
  opts: { path?: string; log?: (msg: string) => void /** false: no AOF (a throwaway Redis for tests) */; persist?: boolean } = {},
): Promise<LocalRedis> {
  const none: LocalRedis = { child: null, stop: async () => {} };
  if (await redisAnswers(url)) return none;
  const { host, port } = redisOptions(url, 'producer');
  if (!LOCAL_HOSTS.has(host!)) throw new RedisUnavailableError(`No Redis answers at ${redactRedisUrl(url)}. Start it, or fix REDIS_URL.`);
  const binary = onPath('redis-server', opts.path);
  if (!binary) throw new RedisUnavailableError(redisInstallHelp(url));
  mkdirSync(dir, { recursive: true });
  const child = spawn(
    binary,
    [
      '--port',
      String(port),
      '--bind',
      host === 'localhost' ? '127.0.0.1' : host!,
      '--dir',
      dir,
      ...(opts.persist === false ? ['--appendonly', 'no'] : ['--appendonly', 'yes', '--appendfsync', 'everysec']),
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
      '--logfile',
      'redis.log',
    ],
    { stdio: 'ignore' },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.once('error', () => {});
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(url, 200)) {
      opts.log?.(`started redis-server on port ${port} (data in ${dir})`);
      return {
        child,
        stop: async () => {
          if (child.exitCode !== null) return;
          child.kill('SIGTERM');
          await exited;
        },
      };
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new RedisUnavailableError(`redis-server did not start on port ${port}; see ${join(dir, 'redis.log')}. Is the port taken by something else?`);
}
