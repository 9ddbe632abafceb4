import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
    globalSetup: ['./vitest.global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Tests that share the local Mosquitto and PostgreSQL run in separate databases and topics,
    // but two cores cannot run many server-heavy files at once without timing noise.
    maxWorkers: 2,
  },
});
