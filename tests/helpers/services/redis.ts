/**
 * Redis for the queue tests: the one on 127.0.0.1:6379 when it answers, or else a private
 * `redis-server` started the way `npm start` does (workers/redis.ts), on a free port, without
 * persistence, stopped afterwards. Redis is the one system package: no npm package ships it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureRedis, redisAnswers } from '../../../workers/redis.ts';
import { freePort } from '../net.ts';

export const SYSTEM_REDIS = 'redis://127.0.0.1:6379';

export async function provideRedis(useSystem: boolean): Promise<{ url: string; stop(): Promise<void> }> {
  if (useSystem && (await redisAnswers(SYSTEM_REDIS))) return { url: SYSTEM_REDIS, stop: async () => {} };
  const url = `redis://127.0.0.1:${await freePort()}`;
  const dir = mkdtempSync(join(tmpdir(), 'stemmen-redis-'));
  try {
    const local = await ensureRedis(url, dir, { persist: false });
    return {
      url,
      stop: async () => {
        await local.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Redis: ${(e as Error).message}`);
  }
}
