import { jsRobustKernels } from '@starling/core';
import type { NativeBinding } from './binding.js';
import { nativeRobustKernels } from './native-robust-kernels.js';

function sameBits(a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** n vectors of 19 entries (one 16-wide SIMD block and a tail) with ties, ±0 and a subnormal. */
function sample(n: number): Float32Array[] {
  return Array.from({ length: n }, (_, k) =>
    Float32Array.from({ length: 19 }, (_, i) => {
      const t = (i * 7 + k * 13) % 11;
      return t === 0 ? -0 : t === 1 ? 1e-45 : t < 4 ? 1.5 : (t - 6) * 2 ** ((i + k) % 9) + 1 / 3;
    }),
  );
}

/**
 * Runs the robust loops through the binding on small inputs (odd and even n, a full SIMD block and a
 * tail) and compares them with `jsRobustKernels` bit for bit: medians, trimmed means (trim 1) and the
 * distance matrix. Returns a description of the first mismatch, or undefined.
 */
export function robustSelfCheck(binding: NativeBinding): string | undefined {
  const native = nativeRobustKernels(binding);
  const js = jsRobustKernels;
  const fail = (what: string) =>
    `self-check failed at SIMD level ${binding.simd()}: ${what} differs from the reference`;
  for (const n of [5, 6]) {
    const v = sample(n);
    const [a, b] = [new Float32Array(19), new Float32Array(19)];
    js.coordinateMedian(v, a);
    native.coordinateMedian(v, b);
    if (!sameBits(a, b)) return fail('coordinateMedian');
    js.trimmedMean(v, 1, a);
    native.trimmedMean(v, 1, b);
    if (!sameBits(a, b)) return fail('trimmedMean');
    const [da, db] = [new Float64Array(n * n), new Float64Array(n * n)];
    js.pairwiseSquaredDistances(v, da);
    native.pairwiseSquaredDistances(v, db);
    if (!sameBits(da, db)) return fail('pairwiseSquaredDistances');
  }
  return undefined;
}
