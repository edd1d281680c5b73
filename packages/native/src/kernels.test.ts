import { ACTIVATIONS, activate, activateDerivative, jsKernels, type Kernels } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadKernels } from './load-kernels.js';

// The native backend is part of the install: if it did not build, this throws and the file fails.
const native = loadKernels('native').kernels;

const f32 = (...v: number[]) => Float32Array.from(v);

describe.each([jsKernels, native])('$backend kernels', (k: Kernels) => {
  // A = [[1,2,3],[4,5,6]] (2×3), B = [[7,8],[9,10],[11,12]] (3×2): A·B = [[58,64],[139,154]].
  const A = f32(1, 2, 3, 4, 5, 6);
  const At = f32(1, 4, 2, 5, 3, 6);
  const B = f32(7, 8, 9, 10, 11, 12);
  const Bt = f32(7, 9, 11, 8, 10, 12);

  it.each([
    [false, false, A, B],
    [true, false, At, B],
    [false, true, A, Bt],
    [true, true, At, Bt],
  ])('gemm(transA=%s, transB=%s) multiplies a 2×3 by a 3×2 matrix', (ta, tb, a, b) => {
    const c = new Float32Array(4).fill(Number.NaN);
    k.gemm(ta, tb, 2, 2, 3, 1, a, b, 0, c);
    expect(Array.from(c)).toEqual([58, 64, 139, 154]);
  });

  it('gemm scales by alpha and accumulates beta·C', () => {
    const c = f32(1, 1, 1, 1);
    k.gemm(false, false, 2, 2, 3, 0.5, A, B, -2, c);
    expect(Array.from(c)).toEqual([27, 30, 67.5, 75]);
  });

  it('gemm with k = 0 leaves beta·C', () => {
    const c = f32(1, 2, 3, 4);
    k.gemm(false, false, 2, 2, 0, 1, new Float32Array(0), new Float32Array(0), 3, c);
    expect(Array.from(c)).toEqual([3, 6, 9, 12]);
  });

  it('gemm of a 1×k row by a k×1 column is the dot product', () => {
    const x = Float32Array.from({ length: 37 }, (_, i) => i - 18);
    const c = new Float32Array(1);
    k.gemm(false, false, 1, 1, 37, 1, x, x, 0, c);
    expect(c[0]).toBe(2 * ((18 * 19 * 37) / 6));
  });

  it('axpy, scale, dot, sumSquares and sumAbs follow their definitions', () => {
    const y = f32(1, 2, 3);
    k.axpy(2, f32(1, -1, 0.5), y);
    expect(Array.from(y)).toEqual([3, 0, 4]);
    k.scale(-0.5, y);
    expect(Array.from(y)).toEqual([-1.5, -0, -2]);
    expect(k.dot(f32(1, 2, 3), f32(4, -5, 6))).toBe(12);
    expect(k.sumSquares(f32(3, -4, 12))).toBe(169);
    expect(k.sumAbs(f32(3, -4, 12, -0.5))).toBe(19.5);
  });

  it('sub writes a − b rounded to float32, also into one of its inputs', () => {
    const a = f32(1, 0.1, -3, 1e-8);
    const out = new Float32Array(4);
    k.sub(a, f32(0.5, 0.2, -3, 1), out);
    expect(Array.from(out)).toEqual([0.5, Math.fround(Math.fround(0.1) - Math.fround(0.2)), 0, Math.fround(1e-8 - 1)]);
    k.sub(a, f32(1, 1, 1, 1), a);
    expect(Array.from(a)).toEqual([0, Math.fround(Math.fround(0.1) - 1), -4, Math.fround(Math.fround(1e-8) - 1)]);
  });

  it('dot accumulates 10^5 terms without float32 loss', () => {
    const n = 100_003;
    const x = new Float32Array(n).fill(0.1);
    const exact = n * Math.fround(0.1) ** 2;
    expect(Math.abs(k.dot(x, x) - exact) / exact).toBeLessThan(1e-10);
    expect(Math.abs(k.sumAbs(x) - n * Math.fround(0.1)) / n).toBeLessThan(1e-10);
  });

  it.each(ACTIVATIONS)('biasActivation adds the bias and applies %s', (act) => {
    const z = f32(-2, -0.5, 0, 0.25, 1.5, 3);
    const bias = f32(0.5, -1, 0.75);
    const a = new Float32Array(6);
    k.biasActivation(act, 2, 3, z, bias, a);
    const zWant = [-1.5, -1.5, 0.75, 0.75, 0.5, 3.75];
    expect(Array.from(z)).toEqual(zWant);
    zWant.forEach((v, i) => {
      expect(a[i]).toBeCloseTo(activate(act, v), 6);
    });
  });

  it.each(ACTIVATIONS)('activationBackward multiplies by the derivative of %s', (act) => {
    const z = f32(-1.5, -0.25, 0, 0.5, 2);
    const a = Float32Array.from(z, (v) => activate(act, v));
    const g = f32(1, -2, 3, 0.5, -1);
    const out = new Float32Array(5);
    k.activationBackward(act, z, a, g, out);
    z.forEach((v, i) => {
      expect(out[i]).toBeCloseTo(g[i] * activateDerivative(act, v, a[i]), 6);
    });
  });

  it('columnSums sums each column; rowSumSquares and scaleRows work per row', () => {
    const x = f32(1, 2, 3, 4, 5, 6);
    const cols = new Float32Array(3);
    k.columnSums(2, 3, x, cols);
    expect(Array.from(cols)).toEqual([5, 7, 9]);
    const rows = new Float32Array(2);
    k.rowSumSquares(2, 3, x, rows);
    expect(Array.from(rows)).toEqual([14, 77]);
    k.scaleRows(2, 3, x, f32(2, -1));
    expect(Array.from(x)).toEqual([2, 4, 6, -4, -5, -6]);
  });

  it('softmaxCrossEntropy of equal logits is log(cols), with grad (1/cols − onehot)·scale', () => {
    const logits = f32(3, 3, 3, 3, -1, -1, -1, -1);
    const grad = new Float32Array(8);
    const rowLoss = new Float32Array(2);
    const loss = k.softmaxCrossEntropy(2, 4, logits, Int32Array.of(1, 3), 0.5, grad, rowLoss);
    expect(loss).toBeCloseTo(2 * Math.log(4), 6);
    expect(rowLoss[1]).toBeCloseTo(Math.log(4), 6);
    expect(Array.from(grad)).toEqual([0.125, -0.375, 0.125, 0.125, 0.125, 0.125, 0.125, -0.375]);
  });

  it('softmaxCrossEntropy is stable for large logits and may write grad over logits', () => {
    const logits = f32(1000, 0);
    const loss = k.softmaxCrossEntropy(1, 2, logits, Int32Array.of(1), 1, logits);
    expect(loss).toBeCloseTo(1000, 3);
    expect(Array.from(logits)).toEqual([1, -1]);
  });

  it('weightedSum adds the weighted vectors', () => {
    const out = new Float32Array(3);
    k.weightedSum([0.5, -2], [f32(2, 4, 6), f32(1, 0, -1)], out);
    expect(Array.from(out)).toEqual([-1, 2, 5]);
  });

  it('optimizerStep sgd with weight decay: θ ← θ − lr·(g + wd·θ)', () => {
    const p = f32(1, -2);
    k.optimizerStep({ kind: 'sgd', lr: 0.5, weightDecay: 0.5 }, p, f32(1, 1), []);
    expect(Array.from(p)).toEqual([0.25, -2]);
  });

  it('optimizerStep nesterov keeps v and looks ahead', () => {
    const p = f32(1);
    const v = f32(2);
    k.optimizerStep({ kind: 'nesterov', lr: 0.5, weightDecay: 0, momentum: 0.5 }, p, f32(1), [v]);
    expect(v[0]).toBe(2); // 0.5·2 + 1
    expect(p[0]).toBe(0); // 1 − 0.5·(1 + 0.5·2)
  });

  it("adam's first step moves every coordinate by lr against the gradient's sign", () => {
    const p = f32(1, 1, 1);
    const m = new Float32Array(3);
    const v = new Float32Array(3);
    const step = { kind: 'adam', lr: 0.01, weightDecay: 0, beta1: 0.9, beta2: 0.999, eps: 1e-12, t: 1 } as const;
    k.optimizerStep(step, p, f32(3, -0.001, 50), [m, v]);
    expect(p[0]).toBeCloseTo(0.99, 6);
    expect(p[1]).toBeCloseTo(1.01, 6);
    expect(p[2]).toBeCloseTo(0.99, 6);
    expect(m[0]).toBeCloseTo(0.3, 6);
    expect(v[2]).toBeCloseTo(2.5, 5);
  });
});
