import { errors, jsKernels, type Kernels } from '@starling/core';

/**
 * Picks the kernel backend for a run. Until @starling/native exports its loader this offers the
 * TypeScript reference kernels only: `native` is refused with a backend error.
 */
export function loadKernels(mode: 'auto' | 'native' | 'js'): {
  kernels: Kernels;
  backend: 'js' | 'native';
  simd?: string;
  warning?: string;
} {
  if (mode === 'native')
    throw errors.backend('the native kernel backend is not available in this build; use --kernels js');
  return {
    kernels: jsKernels,
    backend: 'js',
    warning: mode === 'auto' ? 'native kernels unavailable, using js' : undefined,
  };
}

/** `STARLING_KERNELS` as a backend request, or undefined when unset. */
export function kernelsModeFromEnv(): 'auto' | 'native' | 'js' | undefined {
  const v = process.env.STARLING_KERNELS;
  if (v === undefined || v === '') return undefined;
  if (v === 'auto' || v === 'native' || v === 'js') return v;
  throw errors.usage(`STARLING_KERNELS must be auto, native or js, got "${v}"`);
}
