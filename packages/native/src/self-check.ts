import { jsKernels } from '@starling/core';
import type { NativeBinding } from './binding.js';

/**
 * Runs a small GEMM in all four transpose layouts (odd sizes, so edge tiles are used) and a dot
 * product through the binding and compares them with the JS reference. Returns a description of the
 * first mismatch, or undefined. This guards against a SIMD path that is miscompiled for a CPU.
 */
export function selfCheck(binding: NativeBinding): string | undefined {
  const m = 11;
  const n = 37;
  const k = 19;
  const a = Float32Array.from({ length: m * k }, (_, i) => ((i * 7) % 13) / 8 - 0.75);
  const b = Float32Array.from({ length: k * n }, (_, i) => ((i * 5) % 11) / 4 - 1.25);
  for (const [ta, tb] of [
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ] as const) {
    const got = new Float32Array(m * n).fill(1);
    const want = new Float32Array(m * n).fill(1);
    binding.gemm(ta, tb, m, n, k, 0.5, a, b, 2, got);
    jsKernels.gemm(ta, tb, m, n, k, 0.5, a, b, 2, want);
    for (let i = 0; i < got.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-4 * (1 + Math.abs(want[i])))) {
        return `self-check failed at SIMD level ${binding.simd()}: gemm(transA=${ta}, transB=${tb}) gave ${got[i]} at ${i}, the reference ${want[i]}`;
      }
    }
  }
  const dot = binding.dot(a, a);
  const ref = jsKernels.dot(a, a);
  if (!(Math.abs(dot - ref) <= 1e-9 * Math.abs(ref))) {
    return `self-check failed at SIMD level ${binding.simd()}: dot gave ${dot}, the reference ${ref}`;
  }
  return undefined;
}
