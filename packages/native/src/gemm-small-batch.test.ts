import { jsKernels, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * The small-batch dense GEMMs of a training step (x·W, xᵀ·δ, δ·Wᵀ at the CNN's 3136×512 layer and the
 * 2NN's 784×200), at every SIMD level: against the float64 reference within the GEMM tolerance of
 * differential.test.ts, and, for the paths that read or write W with prefetches, bit for bit against a
 * product with the same sums that takes no such path (A stored transposed: the same single row tile, the
 * same k blocks, the same FMA chain per entry).
 */
const binding = loadBinding();
const native = nativeKernels(binding);
const rng = Rng.fromSeed(20261205).fork('gemm-small-batch');

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -1, 1);
  return x;
}

function transpose(a: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(a.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) t[j * rows + i] = a[i * cols + j];
  return t;
}

function bitDifferences(a: Float32Array, b: Float32Array): number {
  const [ua, ub] = [
    new Uint32Array(a.buffer, a.byteOffset, a.length),
    new Uint32Array(b.buffer, b.byteOffset, b.length),
  ];
  let n = 0;
  for (let i = 0; i < ua.length; i++) if (ua[i] !== ub[i]) n++;
  return n;
}

/** |C − C₆₄| ≤ 1e-5·√k·(|A|·|B|)_ij, with C₆₄ and |A|·|B| from the float64 JS reference. */
function expectNearReference(
  ta: boolean,
  tb: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  b: Float32Array,
  c: Float32Array,
) {
  const want = new Float32Array(m * n);
  const mag = new Float32Array(m * n);
  jsKernels.gemm(ta, tb, m, n, k, 1, a, b, 0, want);
  jsKernels.gemm(ta, tb, m, n, k, 1, a.map(Math.abs), b.map(Math.abs), 0, mag);
  let worst = 0;
  for (let i = 0; i < c.length; i++)
    worst = Math.max(worst, Math.abs(c[i] - want[i]) / (1e-5 * Math.sqrt(k) * mag[i] + 1e-30));
  expect(worst).toBeLessThanOrEqual(1);
}

// [batch, fanIn, fanOut]
const LAYERS: [number, number, number][] = [
  [10, 3136, 512],
  [6, 3136, 512],
  [1, 3136, 512],
  [10, 784, 200],
  [50, 3136, 512],
  [3, 777, 100],
];

describe.each(binding.simdLevels())('small-batch dense GEMMs at SIMD level %s', (level) => {
  beforeAll(() => binding.setSimd(level));
  afterAll(() => binding.setSimd('auto'));

  it.each(LAYERS)('batch %i, %i→%i: forward x·W, dW = xᵀ·δ and dx = δ·Wᵀ near the float64 reference', (m, k, n) => {
    const [x, w, d] = [random(m * k), random(k * n), random(m * n)];
    const z = new Float32Array(m * n);
    native.gemm(false, false, m, n, k, 1, x, w, 0, z);
    expectNearReference(false, false, m, n, k, x, w, z);
    const dw = new Float32Array(k * n).fill(Number.NaN);
    native.gemm(true, false, k, n, m, 1, x, d, 0, dw);
    expectNearReference(true, false, k, n, m, x, d, dw);
    const dx = new Float32Array(m * k).fill(Number.NaN);
    native.gemm(false, true, m, k, n, 1, d, w, 0, dx);
    expectNearReference(false, true, m, k, n, d, w, dx);
  });

  // n = 512 packs δ and writes dW a row tile at a time; n = 500 (no conflicting stride) reads δ in place in
  // column strips. Same FMA chain per entry, so the shared columns agree bit for bit.
  it.each([1, 10, 50])('dW = xᵀ·δ at batch %i is bit-identical whichever order its tiles are written in', (m) => {
    const k = 3136;
    const [x, d] = [random(m * k), random(m * 512)];
    const d500 = new Float32Array(m * 500);
    for (let i = 0; i < m; i++) d500.set(d.subarray(i * 512, i * 512 + 500), i * 500);
    const [wide, narrow] = [new Float32Array(k * 512), new Float32Array(k * 500)];
    native.gemm(true, false, k, 512, m, 1, x, d, 0, wide);
    native.gemm(true, false, k, 500, m, 1, x, d500, 0, narrow);
    const shared = new Float32Array(k * 500);
    for (let i = 0; i < k; i++) shared.set(wide.subarray(i * 512, i * 512 + 500), i * 500);
    expect(bitDifferences(shared, narrow)).toBe(0);
  });

  // Up to 6 rows: one row tile at every level (ST_MR is 6 or 8), whether A is stored m×k or k×m.
  it.each([1, 4, 6])('forward x·W with %i rows is bit-identical to (xᵀ)ᵀ·W', (m) => {
    for (const [k, n] of [
      [3136, 512],
      [784, 200],
      [500, 47],
    ]) {
      const [x, w] = [random(m * k), random(k * n)];
      const [direct, viaT] = [new Float32Array(m * n), new Float32Array(m * n)];
      native.gemm(false, false, m, n, k, 1, x, w, 0, direct);
      native.gemm(true, false, m, n, k, 1, transpose(x, m, k), w, 0, viaT);
      expect(bitDifferences(direct, viaT)).toBe(0);
      expect(direct.some((v) => v !== 0)).toBe(true);
    }
  });
});
