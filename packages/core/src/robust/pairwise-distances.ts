import { errors } from '../errors.js';
import { checkVectors } from './robust-shapes.js';

/**
 * Σ_c (a[c] − b[c])², each difference and square in float64, summed in 8 lanes: lane j adds the entries
 * c ≡ j mod 8 in index order, and the lanes are combined as ((0+1)+(2+3))+((4+5)+(6+7)) — the order of
 * `sumSquares8`, which one 8-wide float64 SIMD accumulator (or two 4-wide ones) follows exactly.
 */
export function squaredDistance8(a: Float32Array, b: Float32Array): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  const d = a.length;
  const full = d - (d & 7);
  for (let c = 0; c < full; c += 8) {
    const d0 = a[c] - b[c];
    const d1 = a[c + 1] - b[c + 1];
    const d2 = a[c + 2] - b[c + 2];
    const d3 = a[c + 3] - b[c + 3];
    const d4 = a[c + 4] - b[c + 4];
    const d5 = a[c + 5] - b[c + 5];
    const d6 = a[c + 6] - b[c + 6];
    const d7 = a[c + 7] - b[c + 7];
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
    s4 += d4 * d4;
    s5 += d5 * d5;
    s6 += d6 * d6;
    s7 += d7 * d7;
  }
  const lane = Float64Array.of(s0, s1, s2, s3, s4, s5, s6, s7);
  for (let c = full; c < d; c++) {
    const dc = a[c] - b[c];
    lane[c & 7] += dc * dc;
  }
  return lane[0] + lane[1] + (lane[2] + lane[3]) + (lane[4] + lane[5] + (lane[6] + lane[7]));
}

/**
 * Kernel: the n×n matrix of squared Euclidean distances between n = `vectors.length` updates, the input
 * of Krum and Multi-Krum (Blanchard et al. 2017): out[i·n + j] = out[j·n + i] = `squaredDistance8(v_i, v_j)`
 * for i < j, out[i·n + i] = 0. Row-major in the first n² entries of `out` (the rest untouched); n ≥ 1, all
 * vectors of one length; inputs finite. Native-replaceable.
 */
export function pairwiseSquaredDistances(vectors: readonly Float32Array[], out: Float64Array): void {
  const fn = 'pairwiseSquaredDistances';
  if (!(out instanceof Float64Array)) throw errors.shape(`${fn}: out`, 'a Float64Array', typeof out);
  const d = Array.isArray(vectors) && vectors[0] instanceof Float32Array ? vectors[0].length : 0;
  checkVectors(fn, vectors, d, 'vectors[0].length');
  const n = vectors.length;
  if (out.length < n * n) throw errors.shape(`${fn}: out.length`, `at least n² = ${n * n}`, out.length);
  for (let i = 0; i < n; i++) {
    out[i * n + i] = 0;
    for (let j = i + 1; j < n; j++) {
      const s = squaredDistance8(vectors[i], vectors[j]);
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
}
