import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/src/**/*.test.ts', 'examples/**/*.test.ts', 'integration/**/*.test.ts', 'conformance/**/*.test.ts', 'bench/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Vitest's default on a 2-core machine is one worker, and most of our wall time is waiting on child
    // processes, fsync, npm and brokers: three files at a time halve the suite (783 s to 466 s, same tests green).
    maxWorkers: 3,
    minWorkers: 1,
  },
});
