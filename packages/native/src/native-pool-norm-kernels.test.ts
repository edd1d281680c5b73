import { type Conv2dGeometry, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeConvKernels } from './native-conv-kernels.js';

/*
 * Native pooling and group normalization against float64 brute force, at every SIMD level.
 * Tolerances: max pooling forward exact (values and argmax: no arithmetic); its backward and average
 * pooling |Δ| ≤ 2^-22·Σ|terms|; group norm (float64 statistics, float32 outputs): y, mean, rstd within
 * 2^-22 of |ref| plus 1e-6 of the magnitudes that cancel, dx within 1e-5·(|ref| + mean |ref|).
 */
const binding = loadBinding();
const conv = nativeConvKernels(binding);
const rng = Rng.fromSeed(20261205).fork('pool');

function pool(
  n: number,
  c: number,
  h: number,
  w: number,
  kh: number,
  kw: number,
  s: number[],
  p = [0, 0],
): Conv2dGeometry {
  const outHeight = Math.floor((h + 2 * p[0] - kh) / s[0]) + 1;
  const outWidth = Math.floor((w + 2 * p[1] - kw) / s[1]) + 1;
  return {
    batch: n,
    inChannels: c,
    inHeight: h,
    inWidth: w,
    outChannels: c,
    kernelH: kh,
    kernelW: kw,
    strideH: s[0],
    strideW: s[1],
    padH: p[0],
    padW: p[1],
    outHeight,
    outWidth,
  };
}

/** The flat x indices of output o's window inside the image, in row-major window order. */
function windowOf(g: Conv2dGeometry, o: number): number[] {
  const plane = Math.floor(o / (g.outHeight * g.outWidth));
  const oh = Math.floor(o / g.outWidth) % g.outHeight;
  const ow = o % g.outWidth;
  const cells: number[] = [];
  for (let i = 0; i < g.kernelH; i++)
    for (let j = 0; j < g.kernelW; j++) {
      const r = oh * g.strideH - g.padH + i;
      const q = ow * g.strideW - g.padW + j;
      if (r >= 0 && r < g.inHeight && q >= 0 && q < g.inWidth) cells.push((plane * g.inHeight + r) * g.inWidth + q);
    }
  return cells;
}

const POOLS: [string, Conv2dGeometry][] = [
  ['2×2 stride 2 on 28×28 (the CNN)', pool(3, 4, 28, 28, 2, 2, [2, 2])],
  ['2×2 stride 2 on odd 7×9 (a row and a column left over)', pool(2, 3, 7, 9, 2, 2, [2, 2])],
  ['2×2 stride 2 on 5×71 (outputs in chunks of 16, 16 and 3, a column left over)', pool(2, 2, 5, 71, 2, 2, [2, 2])],
  ['overlapping 3×3 stride 2 pad 1, non-square 7×9', pool(2, 3, 7, 9, 3, 3, [2, 2], [1, 1])],
  ['window = image (global pooling)', pool(2, 5, 4, 6, 4, 6, [1, 1])],
  ['3×2 window, strides 1×3, pads 1×1, odd leftovers', pool(2, 2, 8, 11, 3, 2, [1, 3], [1, 1])],
];

function sizes(g: Conv2dGeometry) {
  return { x: g.batch * g.inChannels * g.inHeight * g.inWidth, y: g.batch * g.inChannels * g.outHeight * g.outWidth };
}

describe.each(binding.simdLevels())('native pooling and group norm at SIMD level %s against brute force', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(POOLS)('max pooling with ties and NaNs: %s', (_, g) => {
    const s = sizes(g);
    // Values from {0, 1, 2} make ties frequent; a few NaNs (sometimes two in one window).
    const x = Float32Array.from({ length: s.x }, () => rng.int(3));
    for (let i = 0; i < Math.max(2, s.x / 40); i++) x[rng.int(s.x)] = Number.NaN;
    const y = new Float32Array(s.y).fill(-7);
    const argmax = new Int32Array(s.y).fill(-1);
    conv.maxPool2dForward(g, x, y, argmax);
    const dy = Float32Array.from({ length: s.y }, () => rng.int(1000) / 64 - 8);
    const dxRef = new Float64Array(s.x);
    const dxMag = new Float64Array(s.x);
    for (let o = 0; o < s.y; o++) {
      const cells = windowOf(g, o);
      const firstNaN = cells.find((i) => Number.isNaN(x[i]));
      let best = cells[0];
      for (const i of cells) if (x[i] > x[best]) best = i;
      const want = firstNaN ?? best;
      if (argmax[o] !== want) throw new Error(`argmax[${o}] is ${argmax[o]}, want ${want} (window ${cells})`);
      expect(Object.is(y[o], x[want])).toBe(true);
      dxRef[want] += dy[o];
      dxMag[want] += Math.abs(dy[o]);
    }
    const dx = new Float32Array(s.x).fill(Number.NaN);
    conv.maxPool2dBackward(g, dy, argmax, dx);
    for (let i = 0; i < s.x; i++) expect(Math.abs(dx[i] - dxRef[i])).toBeLessThanOrEqual(2 ** -22 * dxMag[i]);
  });

  it('max pooling backward with an argmax outside its windows (all into one cell) adds up', () => {
    const g = pool(1, 2, 4, 4, 2, 2, [2, 2]);
    const argmax = new Int32Array(8).fill(5);
    const dy = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const dx = new Float32Array(32).fill(Number.NaN);
    conv.maxPool2dBackward(g, dy, argmax, dx);
    expect(Array.from(dx)).toEqual(Array.from({ length: 32 }, (_, i) => (i === 5 ? 36 : 0)));
  });

  it.each(POOLS)('average pooling (padding counted as zeros) and its adjoint: %s', (_, g) => {
    const s = sizes(g);
    const x = Float32Array.from({ length: s.x }, () => rng.uniform(-1, 1));
    const dy = Float32Array.from({ length: s.y }, () => rng.uniform(-1, 1));
    const area = g.kernelH * g.kernelW;
    const y = new Float32Array(s.y).fill(Number.NaN);
    const dx = new Float32Array(s.x).fill(Number.NaN);
    conv.avgPool2dForward(g, x, y);
    conv.avgPool2dBackward(g, dy, dx);
    const dxRef = new Float64Array(s.x);
    const dxMag = new Float64Array(s.x);
    for (let o = 0; o < s.y; o++) {
      let sum = 0;
      let mag = 0;
      for (const i of windowOf(g, o)) {
        sum += x[i];
        mag += Math.abs(x[i]);
        dxRef[i] += dy[o] / area;
        dxMag[i] += Math.abs(dy[o]) / area;
      }
      expect(Math.abs(y[o] - sum / area)).toBeLessThanOrEqual((2 ** -22 * mag) / area + 1e-30);
    }
    for (let i = 0; i < s.x; i++) expect(Math.abs(dx[i] - dxRef[i])).toBeLessThanOrEqual(2 ** -22 * dxMag[i]);
  });

  it.each([
    [3, 6, 20, 3, 1e-5],
    [2, 8, 9, 1, 1e-5],
    [2, 4, 15, 4, 1e-3],
    [1, 32, 49, 8, 1e-5],
  ])('group norm N=%i C=%i S=%i G=%i eps=%f, forward and backward', (n, c, sp, groups, eps) => {
    const all = n * c * sp;
    const x = Float32Array.from({ length: all }, () => rng.uniform(-2, 3));
    const gamma = Float32Array.from({ length: c }, () => rng.uniform(0.5, 1.5));
    const beta = Float32Array.from({ length: c }, () => rng.uniform(-1, 1));
    const dy = Float32Array.from({ length: all }, () => rng.uniform(-1, 1));
    const [y, dx] = [new Float32Array(all), new Float32Array(all)];
    const [mean, rstd] = [new Float32Array(n * groups), new Float32Array(n * groups)];
    const [dgamma, dbeta] = [new Float32Array(c), new Float32Array(c)];
    conv.groupNormForward(n, c, sp, groups, eps, x, gamma, beta, y, mean, rstd);
    conv.groupNormBackward(n, c, sp, groups, x, gamma, mean, rstd, dy, dx, dgamma, dbeta);
    const m = (c / groups) * sp;
    const [dgRef, dbRef, dgMag, dbMag] = [
      new Float64Array(c),
      new Float64Array(c),
      new Float64Array(c),
      new Float64Array(c),
    ];
    for (let e = 0; e < n * groups; e++) {
      const idx = Array.from({ length: m }, (_, i) => e * m + i);
      const mu = idx.reduce((s, i) => s + x[i], 0) / m;
      const r = 1 / Math.sqrt(idx.reduce((s, i) => s + (x[i] - mu) ** 2, 0) / m + eps);
      expect(Math.abs(mean[e] - mu)).toBeLessThanOrEqual(2 ** -22 * Math.abs(mu) + 1e-7);
      expect(Math.abs(rstd[e] - r)).toBeLessThanOrEqual(2 ** -22 * r);
      const ch = (i: number) => Math.floor(i / sp) % c;
      const xh = (i: number) => (x[i] - mu) * r;
      const gsum = idx.reduce((s, i) => s + gamma[ch(i)] * dy[i], 0) / m;
      const gxsum = idx.reduce((s, i) => s + gamma[ch(i)] * dy[i] * xh(i), 0) / m;
      const dxRef = idx.map((i) => r * (gamma[ch(i)] * dy[i] - gsum - xh(i) * gxsum));
      const scale = dxRef.reduce((s, v) => s + Math.abs(v), 0) / m;
      idx.forEach((i, q) => {
        const want = gamma[ch(i)] * xh(i) + beta[ch(i)];
        expect(Math.abs(y[i] - want)).toBeLessThanOrEqual(
          2 ** -22 * Math.abs(want) + 1e-6 * (Math.abs(gamma[ch(i)] * xh(i)) + Math.abs(beta[ch(i)])),
        );
        expect(Math.abs(dx[i] - dxRef[q])).toBeLessThanOrEqual(1e-5 * (Math.abs(dxRef[q]) + scale));
        dgRef[ch(i)] += dy[i] * xh(i);
        dgMag[ch(i)] += Math.abs(dy[i] * xh(i));
        dbRef[ch(i)] += dy[i];
        dbMag[ch(i)] += Math.abs(dy[i]);
      });
    }
    for (let k = 0; k < c; k++) {
      expect(Math.abs(dgamma[k] - dgRef[k])).toBeLessThanOrEqual(1e-6 * dgMag[k]);
      expect(Math.abs(dbeta[k] - dbRef[k])).toBeLessThanOrEqual(2 ** -22 * dbMag[k] + 1e-30);
    }
  });
});
