import { type Conv2dShape, conv2dGeometry, jsConvKernels, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeConvKernels } from './native-conv-kernels.js';

/*
 * Native ConvKernels against the TypeScript reference (`jsConvKernels`, the specification), once per SIMD
 * level this CPU has, on seeded random inputs. Max pooling must agree exactly (values and argmax, ties and
 * NaN included); sums are reordered by im2col/GEMM blocking, so the rest agrees within
 * |native − js| ≤ 1e-4·(1 + |js|) relative to the magnitude of the terms (normalized per output below).
 */
const binding = loadBinding();
const native = nativeConvKernels(binding);
const js = jsConvKernels;
const rng = Rng.fromSeed(5120).fork('conv-differential');

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  rng.fillNormal(x);
  return x;
}

/** max_i |a_i − b_i| / (1 + max_i |b_i|): a scale-free error. */
function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    worst = Math.max(worst, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return worst / (1 + scale);
}

const SHAPES: Conv2dShape[] = [
  // McMahan et al.'s CNN layers at batch 3
  {
    batch: 3,
    inChannels: 1,
    inHeight: 28,
    inWidth: 28,
    outChannels: 32,
    kernelH: 5,
    kernelW: 5,
    strideH: 1,
    strideW: 1,
    padH: 2,
    padW: 2,
  },
  {
    batch: 2,
    inChannels: 32,
    inHeight: 14,
    inWidth: 14,
    outChannels: 64,
    kernelH: 5,
    kernelW: 5,
    strideH: 1,
    strideW: 1,
    padH: 2,
    padW: 2,
  },
  // strides, paddings, non-square, kernel = image, 1×1
  {
    batch: 2,
    inChannels: 3,
    inHeight: 9,
    inWidth: 13,
    outChannels: 5,
    kernelH: 3,
    kernelW: 4,
    strideH: 2,
    strideW: 3,
    padH: 1,
    padW: 2,
  },
  {
    batch: 4,
    inChannels: 2,
    inHeight: 6,
    inWidth: 6,
    outChannels: 3,
    kernelH: 6,
    kernelW: 6,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
  },
  {
    batch: 3,
    inChannels: 7,
    inHeight: 5,
    inWidth: 4,
    outChannels: 6,
    kernelH: 1,
    kernelW: 1,
    strideH: 1,
    strideW: 1,
    padH: 0,
    padW: 0,
  },
];

describe.each(binding.simdLevels())('native conv kernels at SIMD level %s match jsConvKernels', (level) => {
  beforeAll(() => binding.setSimd(level));
  afterAll(() => binding.setSimd('auto'));

  it.each(SHAPES.map((s, i) => [i, s] as const))('convolution %i: forward, backward, ghost norms', (_, shape) => {
    const g = conv2dGeometry(shape);
    const { batch: n, inChannels: c, inHeight: h, inWidth: w, outChannels: k } = g;
    const x = random(n * c * h * w);
    const wt = random(k * c * g.kernelH * g.kernelW);
    const b = random(k);
    const dy = random(n * k * g.outHeight * g.outWidth);
    const out = () => new Float32Array(n * k * g.outHeight * g.outWidth);
    const [yn, yj] = [out(), out()];
    native.conv2dForward(g, x, wt, b, yn);
    js.conv2dForward(g, x, wt, b, yj);
    expect(relErr(yn, yj)).toBeLessThan(1e-4);
    const grads = () => ({ dw: new Float32Array(wt.length), db: new Float32Array(k), dx: new Float32Array(x.length) });
    const gn = grads();
    const gj = grads();
    native.conv2dBackward(g, x, wt, dy, gn.dw, gn.db, gn.dx);
    js.conv2dBackward(g, x, wt, dy, gj.dw, gj.db, gj.dx);
    for (const key of ['dw', 'db', 'dx'] as const) expect(relErr(gn[key], gj[key]), key).toBeLessThan(1e-4);
    const [nn, nj] = [new Float64Array(n), new Float64Array(n)];
    native.conv2dGradSqNorms(g, x, dy, nn);
    js.conv2dGradSqNorms(g, x, dy, nj);
    expect(relErr(nn, nj)).toBeLessThan(1e-4);
  });

  it('max pooling agrees exactly (ties and NaN), average pooling and group norm within tolerance', () => {
    const g = conv2dGeometry({
      batch: 2,
      inChannels: 3,
      inHeight: 7,
      inWidth: 9,
      outChannels: 3,
      kernelH: 3,
      kernelW: 3,
      strideH: 2,
      strideW: 2,
      padH: 1,
      padW: 1,
    });
    const x = random(2 * 3 * 7 * 9).map((v) => Math.round(v * 2) / 2); // many ties
    x[5] = Number.NaN;
    x[40] = Number.NaN;
    const size = 2 * 3 * g.outHeight * g.outWidth;
    const [yn, yj] = [new Float32Array(size), new Float32Array(size)];
    const [an, aj] = [new Int32Array(size), new Int32Array(size)];
    native.maxPool2dForward(g, x, yn, an);
    js.maxPool2dForward(g, x, yj, aj);
    expect(Array.from(an)).toEqual(Array.from(aj));
    expect(Array.from(yn)).toEqual(Array.from(yj));
    const dy = random(size);
    const [dn, dj] = [new Float32Array(x.length), new Float32Array(x.length)];
    native.maxPool2dBackward(g, dy, an, dn);
    js.maxPool2dBackward(g, dy, aj, dj);
    expect(Array.from(dn)).toEqual(Array.from(dj));
    const xs = random(x.length);
    native.avgPool2dForward(g, xs, yn);
    js.avgPool2dForward(g, xs, yj);
    expect(relErr(yn, yj)).toBeLessThan(1e-5);
    native.avgPool2dBackward(g, dy, dn);
    js.avgPool2dBackward(g, dy, dj);
    expect(relErr(dn, dj)).toBeLessThan(1e-5);
    const [nb, ch, sp, groups] = [3, 6, 10, 3];
    const gx = random(nb * ch * sp);
    const gamma = random(ch);
    const beta = random(ch);
    const gdy = random(nb * ch * sp);
    const run = (kern: typeof js) => {
      const y = new Float32Array(gx.length);
      const mean = new Float32Array(nb * groups);
      const rstd = new Float32Array(nb * groups);
      kern.groupNormForward(nb, ch, sp, groups, 1e-5, gx, gamma, beta, y, mean, rstd);
      const dx = new Float32Array(gx.length);
      const dgamma = new Float32Array(ch);
      const dbeta = new Float32Array(ch);
      kern.groupNormBackward(nb, ch, sp, groups, gx, gamma, mean, rstd, gdy, dx, dgamma, dbeta);
      return { y, mean, rstd, dx, dgamma, dbeta };
    };
    const rn = run(native);
    const rj = run(js);
    for (const key of ['y', 'mean', 'rstd', 'dx', 'dgamma', 'dbeta'] as const) {
      expect(relErr(rn[key], rj[key]), key).toBeLessThan(1e-5);
    }
  });
});
