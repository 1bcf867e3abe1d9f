/**
 * Each test gets its own queue prefix on the shared Redis, and removes its keys afterwards.
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const REDIS_URL = 'redis://127.0.0.1:6379';

export function uniquePrefix(): string {
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
