import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { NativeBinding } from './binding.js';

/** The package root (`packages/native`), the same from `src/` and `dist/`. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * Loads this thread's instance of the compiled addon through node-gyp-build (which looks in
 * `build/Release`, `build/Debug` and `prebuilds/`). Throws whatever the lookup or `dlopen` threw.
 */
export function loadBinding(): NativeBinding {
  const require = createRequire(import.meta.url);
  const nodeGypBuild = require('node-gyp-build') as (dir: string) => unknown;
  return nodeGypBuild(PACKAGE_ROOT) as NativeBinding;
}
