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
    // Native addons can crash under the threads pool (CONVENTIONS.md); 2 cores on CI.
    pool: 'forks',
    maxWorkers: 2,
    // End-to-end tests run whole experiments in three runtimes; shared 2-core machines need headroom.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts'],
          // Unit tests share each worker's module graph instead of importing the packages again for
          // every file: the import was most of their time (measured: 935 s of import for 44 files in
          // fresh forks under load, 228 s shared). They keep no global state between files (no env,
          // cwd, registry or global mutation; a spy is restored in the test that made it).
          isolate: false,
        },
      },
      // Cross-package tests register plug-ins, spawn processes and bind ports: each file in a fresh fork.
      { extends: true, test: { name: 'cross-package', include: ['test/**/*.test.ts'] } },
    ],
  },
});
