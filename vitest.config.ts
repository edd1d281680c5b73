import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const pkg = (name: string) => fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: {
      '@starling/core': pkg('core'),
      '@starling/native': pkg('native'),
      '@starling/topologies': pkg('topologies'),
      '@starling/transport': pkg('transport'),
      '@starling/server': pkg('server'),
      '@starling/worker': pkg('worker'),
      '@starling/runner': pkg('runner'),
      '@starling/cli': pkg('cli'),
    },
  },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
    // Native addons can crash under the threads pool (CONVENTIONS.md); 2 cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    // End-to-end tests run whole experiments in three runtimes; shared 2-core machines need headroom.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
