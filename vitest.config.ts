import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only the suite: tools/train may hold fetched repositories with test files of their own.
    include: ['test/**/*.test.ts'],
    // The end-to-end files start real CLI processes on a shared, busy machine; the first one may
    // also have to build dist/ (test/helpers/cli.ts, ensureBuilt).
    testTimeout: 30_000,
    hookTimeout: 180_000,
  },
});
