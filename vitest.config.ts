import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // Tests use real SQLite files and real servers on loopback; each gets its own temp dir and port.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
