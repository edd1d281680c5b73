import { errors, type RobustKernels } from '@starling/core';
import type { NativeBinding } from './binding.js';
import { overlaps } from './validate.js';

function kind(v: unknown): string {
  return v === null ? 'null' : typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
}

/** n ≥ 1 Float32Arrays of length d, none sharing memory with `out` (its first `outEntries` entries). */
function checkVectors(
  fn: string,
  vectors: readonly Float32Array[],
  d: number,
  what: string,
  out: ArrayBufferView,
  outEntries: number,
): void {
  if (!Array.isArray(vectors)) throw errors.shape(`${fn}: vectors`, 'an array of Float32Array', kind(vectors));
  if (vectors.length < 1) throw errors.shape(`${fn}: vectors.length`, 'at least 1', 0);
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k];
    if (!(v instanceof Float32Array)) throw errors.shape(`${fn}: vectors[${k}]`, 'a Float32Array', kind(v));
    if (v.length !== d) throw errors.shape(`${fn}: vectors[${k}].length`, `${what} = ${d}`, v.length);
    // overlaps() counts 4-byte entries; a Float64Array output spans twice as many.
    if (overlaps(out, outEntries, v, v.length)) {
      throw errors.shape(`${fn}: out`, `memory disjoint from vectors[${k}]`, 'an overlap');
    }
  }
}

function checkOut(fn: string, out: Float32Array): void {
  if (!(out instanceof Float32Array)) throw errors.shape(`${fn}: out`, 'a Float32Array', kind(out));
}

/**
 * `RobustKernels` over the native binding: every argument is checked (an array of n ≥ 1 equal-length
 * Float32Arrays, trim, the output's type and length, an output sharing memory with an input) with the
 * same messages as the reference, then C++ runs. Results equal `jsRobustKernels` bit for bit at every
 * SIMD level (packages/native/src/robust-kernels.test.ts checks it).
 */
export function nativeRobustKernels(binding: NativeBinding): RobustKernels {
  return {
    backend: 'native',

    coordinateMedian(vectors, out) {
      checkOut('coordinateMedian', out);
      checkVectors('coordinateMedian', vectors, out.length, 'out.length', out, out.length);
      binding.coordinateMedian(vectors, out);
    },

    trimmedMean(vectors, trim, out) {
      checkOut('trimmedMean', out);
      checkVectors('trimmedMean', vectors, out.length, 'out.length', out, out.length);
      if (!(Number.isInteger(trim) && trim >= 0 && 2 * trim < vectors.length)) {
        throw errors.shape('trimmedMean: trim', `an integer with 0 ≤ 2·trim < n = ${vectors.length}`, String(trim));
      }
      binding.trimmedMean(vectors, trim, out);
    },

    pairwiseSquaredDistances(vectors, out) {
      const fn = 'pairwiseSquaredDistances';
      if (!(out instanceof Float64Array)) throw errors.shape(`${fn}: out`, 'a Float64Array', kind(out));
      const n = Array.isArray(vectors) ? vectors.length : 0;
      const d = n > 0 && vectors[0] instanceof Float32Array ? vectors[0].length : 0;
      checkVectors(fn, vectors, d, 'vectors[0].length', out, 2 * n * n);
      if (out.length < n * n) throw errors.shape(`${fn}: out.length`, `at least n² = ${n * n}`, out.length);
      binding.pairwiseSquaredDistances(vectors, out);
    },
  };
}
