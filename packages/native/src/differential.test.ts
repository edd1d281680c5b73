import { ACTIVATIONS, jsKernels, type OptimizerStep, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * Native against the JS reference on seeded random inputs, once per SIMD level this CPU has.
 * Tolerances (also in docs/native.md), u = 2^-24 the float32 unit roundoff:
 * - gemm: |Δc| ≤ 1e-5·√k·(|α|·(|A|·|B|)_ij + |β·c_ij|), float32 FMA accumulation vs float64;
 * - activations forward and backward: |Δ| ≤ 4 ulp = 2^-21·|ref| (+1e-37: exp flushes below 2^-126);
 * - softmax, optimizers: |Δ| ≤ 1e-5·(|ref| + scale) (float32 arithmetic), optimizer state
 *   |Δ| ≤ 1e-6·(|ref| + 1) (terms of size 1 can cancel);
 * - reductions and weighted sums (float64 accumulation): |Δ| ≤ 4u·|ref| (+ 1e-12·Σ|terms|);
 * - bias add, relu, columnSums: exact.
 */
const binding = loadBinding(); // throws if the addon did not build: the build is part of install
const native = nativeKernels(binding);
const rng = Rng.fromSeed(20261123).fork('differential');
const U = 2 ** -24;
const ULP = 2 ** -23; // float32 spacing at 1

function random(n: number, scale = 1): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -scale, scale);
  return x;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: (i: number) => number, what: string) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) {
    const err = Math.abs(got[i] - want[i]);
    if (!(err <= tol(i)))
      throw new Error(`${what}: entry ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol(i)})`);
  }
}

const SHAPES: [number, number, number][] = [
  [1, 1, 1],
  [1, 17, 1],
  [17, 1, 33],
  [10, 200, 784],
  [32, 200, 200],
  [128, 10, 200],
  [784, 200, 10],
  [7, 64, 64],
  [65, 64, 128],
  [33, 31, 300],
  [200, 45, 700],
];
for (let i = 0; i < 8; i++) SHAPES.push([1 + rng.int(70), 1 + rng.int(70), 1 + rng.int(70)]);

describe.each(binding.simdLevels())('native kernels at SIMD level %s match the JS reference', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(SHAPES)('gemm %i×%i×%i in all four layouts', (m, n, k) => {
    for (const [ta, tb, alpha, beta] of [
      [false, false, 1, 0],
      [true, false, 0.5, 1],
      [false, true, -1.25, -0.5],
      [true, true, 1, 0],
    ] as const) {
      const a = random(m * k);
      const b = random(k * n);
      const c0 = beta === 0 ? new Float32Array(m * n).fill(Number.NaN) : random(m * n);
      const got = c0.slice();
      const want = c0.slice();
      native.gemm(ta, tb, m, n, k, alpha, a, b, beta, got);
      jsKernels.gemm(ta, tb, m, n, k, alpha, a, b, beta, want);
      const mag = new Float32Array(m * n);
      jsKernels.gemm(ta, tb, m, n, k, 1, a.map(Math.abs), b.map(Math.abs), 0, mag);
      const tol = (i: number) =>
        1e-5 * Math.sqrt(k) * (Math.abs(alpha) * mag[i] + (beta === 0 ? 0 : Math.abs(beta * c0[i])));
      expectClose(got, want, tol, `gemm(${ta}, ${tb}) ${m}×${n}×${k}`);
    }
  });

  it.each([0, 1, 7, 33, 1000, 4099])('blas-1 kernels and reductions on %i entries', (n) => {
    const x = random(n, 3);
    const y = random(n, 3);
    const terms = jsKernels.sumAbs(x) * 3;
    expect(Math.abs(native.dot(x, y) - jsKernels.dot(x, y))).toBeLessThanOrEqual(1e-12 * terms);
    expect(Math.abs(native.sumSquares(x) - jsKernels.sumSquares(x))).toBeLessThanOrEqual(1e-12 * terms * 3);
    expect(Math.abs(native.sumAbs(x) - jsKernels.sumAbs(x))).toBeLessThanOrEqual(1e-12 * terms);
    const [ya, yb] = [y.slice(), y.slice()];
    native.axpy(-0.3, x, ya);
    jsKernels.axpy(-0.3, x, yb);
    expectClose(ya, yb, (i) => 4 * U * (Math.abs(yb[i]) + Math.abs(0.3 * x[i])), 'axpy');
    // sub is one IEEE subtraction per entry: bit-identical at every level, also in place.
    const [da, db] = [new Float32Array(n), new Float32Array(n)];
    native.sub(x, y, da);
    jsKernels.sub(x, y, db);
    expect(da).toEqual(db);
    const inPlace = x.slice();
    native.sub(inPlace, y, inPlace);
    expect(inPlace).toEqual(db);
    native.scale(1.7, ya);
    jsKernels.scale(1.7, yb);
    expectClose(ya, yb, (i) => 8 * U * (Math.abs(yb[i]) + Math.abs(0.51 * x[i])), 'scale');
  });

  it.each([
    [1, 1],
    [10, 200],
    [13, 37],
    [128, 10],
    [3, 1000],
  ])('row and column kernels on %i×%i', (rows, cols) => {
    const x = random(rows * cols, 4);
    const [outA, outB] = [new Float32Array(cols), new Float32Array(cols)];
    native.columnSums(rows, cols, x, outA);
    jsKernels.columnSums(rows, cols, x, outB);
    expect(outA).toEqual(outB);
    const [rA, rB] = [new Float32Array(rows), new Float32Array(rows)];
    native.rowSumSquares(rows, cols, x, rA);
    jsKernels.rowSumSquares(rows, cols, x, rB);
    expectClose(rA, rB, (i) => 4 * U * rB[i], 'rowSumSquares');
    const scales = random(rows, 2);
    const [xa, xb] = [x.slice(), x.slice()];
    native.scaleRows(rows, cols, xa, scales);
    jsKernels.scaleRows(rows, cols, xb, scales);
    expect(xa).toEqual(xb);
  });

  it.each(ACTIVATIONS)('biasActivation and activationBackward for %s', (act) => {
    const rows = 13;
    const cols = 37;
    const z = random(rows * cols, 4);
    z.set([0, -1e-30, 1e-7, 30, -30, -95, 95, -0.5], 40); // zeros, tiny, saturated and flushed values
    const bias = random(cols, 1);
    bias.fill(0, 3, 12);
    const [za, zb] = [z.slice(), z.slice()];
    const [aa, ab] = [new Float32Array(z.length), new Float32Array(z.length)];
    native.biasActivation(act, rows, cols, za, bias, aa);
    jsKernels.biasActivation(act, rows, cols, zb, bias, ab);
    expect(za).toEqual(zb);
    expectClose(aa, ab, (i) => 4 * ULP * Math.abs(ab[i]) + 1e-37, `${act} forward`);
    const g = random(z.length, 2);
    const [ga, gb] = [new Float32Array(z.length), new Float32Array(z.length)];
    native.activationBackward(act, zb, ab, g, ga);
    jsKernels.activationBackward(act, zb, ab, g, gb);
    expectClose(ga, gb, (i) => 4 * ULP * Math.abs(gb[i]) + 1e-37, `${act} backward`);
  });

  it.each([
    [1, 1],
    [10, 10],
    [128, 10],
    [7, 1000],
  ])('softmaxCrossEntropy on %i×%i logits', (rows, cols) => {
    const logits = random(rows * cols, 8);
    const labels = Int32Array.from({ length: rows }, () => rng.int(cols));
    const [ga, gb] = [new Float32Array(logits.length), new Float32Array(logits.length)];
    const [la, lb] = [new Float32Array(rows), new Float32Array(rows)];
    const lossA = native.softmaxCrossEntropy(rows, cols, logits, labels, 0.25, ga, la);
    const lossB = jsKernels.softmaxCrossEntropy(rows, cols, logits, labels, 0.25, gb, lb);
    expect(Math.abs(lossA - lossB)).toBeLessThanOrEqual(1e-5 * (Math.abs(lossB) + rows));
    expectClose(la, lb, (i) => 1e-5 * (Math.abs(lb[i]) + 1), 'row losses');
    expectClose(ga, gb, () => 1e-5 * 0.25, 'softmax gradient');
  });

  it('weightedSum over 9 vectors in index order', () => {
    const n = 1037;
    const vectors = Array.from({ length: 9 }, () => random(n, 5));
    const weights = Array.from({ length: 9 }, () => rng.uniformIn(-1, 2));
    const [a, b] = [new Float32Array(n), new Float32Array(n)];
    native.weightedSum(weights, vectors, a);
    jsKernels.weightedSum(weights, vectors, b);
    expectClose(a, b, (i) => 2 * U * Math.abs(b[i]) + 1e-12 * 90, 'weightedSum');
  });

  it('accumulate, one vector at a time from zero, rounds to weightedSum bit for bit (each backend)', () => {
    // 1037 entries: whole vectors, a scalar tail and two 512-entry blocks of weighted_sum. Signed zeros,
    // subnormals and huge values next to random ones: any difference in contraction shows in the bits.
    const n = 1037;
    const vectors = Array.from({ length: 9 }, (_, v) => {
      const x = random(n, 5);
      x.set([0, -0, 1e-40, -3e38, 3e38, 1.5, -1.5], 7 * v);
      return x;
    });
    const weights = Array.from({ length: 9 }, (_, v) => (v === 4 ? 0 : rng.uniformIn(-1, 2)));
    for (const k of [native, jsKernels]) {
      const [want, got] = [new Float32Array(n), new Float32Array(n)];
      k.weightedSum(weights, vectors, want);
      const acc = new Float64Array(n);
      for (let v = 0; v < vectors.length; v++) k.accumulate?.(weights[v], vectors[v], acc);
      got.set(acc);
      expect(new Uint32Array(got.buffer)).toEqual(new Uint32Array(want.buffer));
    }
  });

  it('accumulate refuses an acc of the wrong type or length', () => {
    const x = random(8);
    expect(() => native.accumulate?.(1, x, new Float64Array(7))).toThrow(/acc.length/);
    // @ts-expect-error a Float32Array accumulator, as a careless caller might pass
    expect(() => native.accumulate?.(1, x, new Float32Array(8))).toThrow(/Float64Array/);
  });

  const steps: OptimizerStep[] = [
    { kind: 'sgd', lr: 0.1, weightDecay: 0.01 },
    { kind: 'momentum', lr: 0.1, weightDecay: 0.01, momentum: 0.9 },
    { kind: 'nesterov', lr: 0.1, weightDecay: 0, momentum: 0.9 },
    { kind: 'adagrad', lr: 0.1, weightDecay: 0.01, eps: 1e-10 },
    { kind: 'rmsprop', lr: 0.01, weightDecay: 0, rho: 0.9, eps: 1e-8 },
    { kind: 'adadelta', lr: 1, weightDecay: 0.01, rho: 0.95, eps: 1e-6 },
    { kind: 'adam', lr: 0.001, weightDecay: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 3 },
    { kind: 'adamw', lr: 0.001, weightDecay: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8, t: 7 },
  ];
  it.each(steps)('optimizerStep $kind matches over three steps', (step) => {
    const n = 1001;
    const p = random(n, 2);
    const slots = step.kind === 'sgd' ? 0 : ['adadelta', 'adam', 'adamw'].includes(step.kind) ? 2 : 1;
    const state = Array.from({ length: slots }, () => random(n, 0.5).map(Math.abs));
    const [pa, pb] = [p.slice(), p.slice()];
    const [sa, sb] = [state.map((s) => s.slice()), state.map((s) => s.slice())];
    for (let t = 0; t < 3; t++) {
      const g = random(n, 1);
      native.optimizerStep(step, pa, g, sa);
      jsKernels.optimizerStep(step, pb, g, sb);
    }
    expectClose(pa, pb, (i) => 1e-5 * (Math.abs(pb[i]) + step.lr), `${step.kind} params`);
    sa.forEach((s, j) => {
      // State updates like μv + g cancel: the error scales with the terms (|g| ≤ 1), not the result.
      expectClose(s, sb[j], (i) => 1e-6 * (Math.abs(sb[j][i]) + 1), `${step.kind} state[${j}]`);
    });
  });
});
