import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { errors, jsKernels, type Kernels } from '@starling/core';
import type { NativeBinding, SimdLevel } from './binding.js';
import { compressSelfCheck } from './compress-self-check.js';
import type { GemmPrecision } from './gemm-precision.js';
import { loadBinding, PACKAGE_ROOT } from './loader.js';
import { nativeKernels } from './native-kernels.js';
import { robustSelfCheck } from './robust-self-check.js';
import { selfCheck } from './self-check.js';

/** Which kernels to use: `auto` prefers native and falls back to js with a warning; `native` insists. */
export type KernelsMode = 'auto' | 'native' | 'js';

/** The valid values of `STARLING_KERNELS` and of the kernels option. */
export const KERNELS_MODES: readonly KernelsMode[] = ['auto', 'native', 'js'];

/** The outcome of {@link loadKernels}; `backend` and `simd` belong in a run's metadata. */
export interface LoadedKernels {
  readonly kernels: Kernels;
  readonly backend: 'js' | 'native';
  /** The SIMD level of the native kernels (absent for js). */
  readonly simd?: SimdLevel;
  /** Set when `auto` fell back to js: one message listing every failure; the caller logs it once. */
  readonly warning?: string;
}

export interface LoadKernelsOptions {
  /** Threads one large native GEMM may use (1 or 2); applies to the whole thread's addon instance. */
  readonly threads?: 1 | 2;
  /**
   * GEMM precision of the native kernels (`model.precision`; default fp32). `bf16` has no TypeScript
   * reference yet: with the js backend (or an `auto` fallback to it) the GEMMs stay FP32.
   */
  readonly precision?: GemmPrecision;
}

/** Where scripts/install.mjs leaves the compiler output when the install-time build failed. */
export const INSTALL_LOG = join(PACKAGE_ROOT, 'build', 'install-failed.log');

const REBUILD =
  'run `npx pnpm@10.34.8 --filter @starling/native rebuild` (needs a C++17 compiler such as g++ or clang++, make and ' +
  "Node's headers)";
const SIMD_FIX = 'unset STARLING_SIMD or set it to a level listed above';
const JS_FIX = 'set STARLING_KERNELS=js to use the TypeScript kernels without this message';

function firstLine(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n')[0];
}

/**
 * Picks the kernel backend. `js` returns the TypeScript reference; `native` loads the addon for this
 * thread and throws a `backend` StarlingError listing every failure and the fix; `auto` does the same
 * but falls back to js and returns that message as `warning`. A loaded addon must also pass a small
 * self-check against the reference before it is used.
 */
export function loadKernels(mode: KernelsMode = 'auto', options: LoadKernelsOptions = {}): LoadedKernels {
  if (!KERNELS_MODES.includes(mode)) throw errors.unknownKind('kernels', String(mode), KERNELS_MODES);
  if (mode === 'js') return { kernels: jsKernels, backend: 'js' };
  const failures: string[] = [];
  let binding: NativeBinding | undefined;
  try {
    binding = loadBinding();
  } catch (e) {
    failures.push(`loading the addon failed: ${firstLine(e)}`);
    if (existsSync(INSTALL_LOG)) {
      const log = readFileSync(INSTALL_LOG, 'utf8').trim().split('\n');
      const error = log.find((line) => /error/i.test(line)) ?? log[log.length - 1];
      failures.push(`the build during install failed: ${error.trim()} (full output in ${INSTALL_LOG})`);
    }
  }
  if (binding) {
    const problem = selfCheck(binding) ?? compressSelfCheck(binding) ?? robustSelfCheck(binding);
    if (problem === undefined) {
      if (options.threads !== undefined) binding.setThreads(options.threads);
      const kernels = nativeKernels(binding, { precision: options.precision ?? 'fp32' });
      return { kernels, backend: 'native', simd: binding.simd() };
    }
    failures.push(problem);
  }
  const fix = failures.every((f) => f.includes('STARLING_SIMD')) ? SIMD_FIX : REBUILD;
  const message = `native kernels unavailable:\n  - ${failures.join('\n  - ')}\nFix: ${fix}; or ${JS_FIX}.`;
  if (mode === 'native') throw errors.backend(message);
  return { kernels: jsKernels, backend: 'js', warning: `${message}\nUsing the TypeScript kernels (slower).` };
}

/**
 * Reads `STARLING_KERNELS`: a mode, or undefined when unset or empty (the caller's default applies,
 * normally `auto`). Throws a config error naming the variable for any other value.
 */
export function kernelsModeFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): KernelsMode | undefined {
  const value = env.STARLING_KERNELS;
  if (value === undefined || value === '') return undefined;
  if (!KERNELS_MODES.includes(value as KernelsMode)) {
    throw errors.option('STARLING_KERNELS', `one of ${KERNELS_MODES.join(', ')}`, value);
  }
  return value as KernelsMode;
}
