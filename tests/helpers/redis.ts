/**
 * Each test gets its own queue prefix on the shared Redis (the global setup's: 127.0.0.1:6379
 * or a private redis-server), and removes its keys afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ENV, provided } from './services/env.ts';

export const REDIS_URL = process.env[ENV.redisUrl] ?? 'redis://127.0.0.1:6379';

/** A queue prefix of its own; every test that uses Redis takes one, so a missing Redis fails here with the install line. */
export function uniquePrefix(): string {
  provided(ENV.redisUrl, ENV.redisMissing, 'queue tests need Redis');
  return `t${randomBytes(6).toString('hex')}`;
}

/** Calls `fn` with each batch of keys under `prefix:` (SCAN, so a large Redis is not blocked). */
export async function forEachKeys(prefix: string, fn: (redis: Redis, keys: string[]) => Promise<void>, url = REDIS_URL): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await fn(redis, keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/** Deletes every key under `prefix:` (a test's queues). */
export async function dropPrefix(prefix: string, url = REDIS_URL): Promise<void> {
  await forEachKeys(
    prefix,
    async (redis, keys) => {
      await redis.del(...keys);
    },
    url,
  );
}
