import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { type Conv2dShape, conv2dGeometry } from './conv-geometry.js';
import { jsConvKernels as K } from './conv-js.js';
import type { Conv2dGeometry } from './conv-kernels.js';

// Independent float64 brute force: loops over outputs then window taps, explicit bounds checks.
function xAt(g: Conv2dGeometry, x: ArrayLike<number>, n: number, c: number, ih: number, iw: number): number {
  if (ih < 0 || ih >= g.inHeight || iw < 0 || iw >= g.inWidth) return 0;
  return x[((n * g.inChannels + c) * g.inHeight + ih) * g.inWidth + iw];
}

function bruteConv(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array): Float64Array {
  const { batch: N, inChannels: C, outChannels: Ko, kernelH: kh, kernelW: kw, outHeight: OH, outWidth: OW } = g;
  const y = new Float64Array(N * Ko * OH * OW);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < Ko; k++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          let s = b[k];
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++)
                s +=
                  w[((k * C + c) * kh + i) * kw + j] *
                  xAt(g, x, n, c, oh * g.strideH - g.padH + i, ow * g.strideW - g.padW + j);
          y[((n * Ko + k) * OH + oh) * OW + ow] = s;
        }
  return y;
}

/** dw, db and dx of Σ dy·y by scattering every (output, tap) product: the adjoint written the other way round. */
function bruteConvGrads(g: Conv2dGeometry, x: Float32Array, w: Float32Array, dy: Float32Array) {
  const { batch: N, inChannels: C, outChannels: Ko, kernelH: kh, kernelW: kw, outHeight: OH, outWidth: OW } = g;
  const dw = new Float64Array(w.length);
  const db = new Float64Array(Ko);
  const dx = new Float64Array(x.length);
  for (let n = 0; n < N; n++)
    for (let k = 0; k < Ko; k++)
      for (let oh = 0; oh < OH; oh++)
        for (let ow = 0; ow < OW; ow++) {
          const d = dy[((n * Ko + k) * OH + oh) * OW + ow];
          db[k] += d;
          for (let c = 0; c < C; c++)
            for (let i = 0; i < kh; i++)
              for (let j = 0; j < kw; j++) {
                const ih = oh * g.strideH - g.padH + i;
                const iw = ow * g.strideW - g.padW + j;
                const wi = ((k * C + c) * kh + i) * kw + j;
                dw[wi] += d * xAt(g, x, n, c, ih, iw);
                if (ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth) {
                  dx[((n * C + c) * g.inHeight + ih) * g.inWidth + iw] += d * w[wi];
                }
              }
        }
  return { dw, db, dx };
}

function random(n: number, rng: Rng): Float32Array {
  const a = new Float32Array(n);
  rng.fillNormal(a, 0, 1);
  return a;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 2e-5): void {
  expect(got.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i])));
  expect(worst).toBeLessThan(tol);
}

const shapes: [string, Conv2dShape][] = [
  [
    '3×3, stride 1, no padding',
    {
      batch: 2,
      inChannels: 2,
      inHeight: 5,
      inWidth: 5,
      outChannels: 3,
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
    },
  ],
  [
    '5×5 with padding 2 (same)',
    {
      batch: 2,
      inChannels: 1,
      inHeight: 7,
      inWidth: 7,
      outChannels: 2,
      kernelH: 5,
      kernelW: 5,
      strideH: 1,
      strideW: 1,
      padH: 2,
      padW: 2,
    },
  ],
  [
    'stride 2, padding 1, non-square input',
    {
      batch: 3,
      inChannels: 2,
      inHeight: 6,
      inWidth: 9,
      outChannels: 2,
      kernelH: 3,
      kernelW: 3,
      strideH: 2,
      strideW: 2,
      padH: 1,
      padW: 1,
    },
  ],
  [
    'kernel = input size',
    {
      batch: 2,
      inChannels: 3,
      inHeight: 4,
      inWidth: 3,
      outChannels: 2,
      kernelH: 4,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padH: 0,
      padW: 0,
    },
  ],
  [
    'non-square kernel, uneven strides, stride not dividing',
    {
      batch: 1,
      inChannels: 2,
      inHeight: 8,
      inWidth: 7,
      outChannels: 3,
      kernelH: 2,
      kernelW: 3,
      strideH: 3,
      strideW: 2,
      padH: 1,
      padW: 0,
    },
  ],
];

describe('jsConvKernels convolution', () => {
  it.each(shapes)('forward equals the float64 definition: %s', (_name, s) => {
    const g = conv2dGeometry(s);
    const rng = Rng.fromSeed(1);
    const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth, rng);
    const w = random(g.outChannels * g.inChannels * g.kernelH * g.kernelW, rng);
    const b = random(g.outChannels, rng);
    const y = new Float32Array(g.batch * g.outChannels * g.outHeight * g.outWidth).fill(Number.NaN);
    K.conv2dForward(g, x, w, b, y);
    expectClose(y, bruteConv(g, x, w, b));
  });

  it.each(shapes)('backward equals the scattered adjoint: %s', (_name, s) => {
    const g = conv2dGeometry(s);
    const rng = Rng.fromSeed(2);
    const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth, rng);
    const w = random(g.outChannels * g.inChannels * g.kernelH * g.kernelW, rng);
    const dy = random(g.batch * g.outChannels * g.outHeight * g.outWidth, rng);
    const dw = new Float32Array(w.length).fill(Number.NaN);
    const db = new Float32Array(g.outChannels).fill(Number.NaN);
    const dx = new Float32Array(x.length).fill(Number.NaN);
    K.conv2dBackward(g, x, w, dy, dw, db, dx);
    const want = bruteConvGrads(g, x, w, dy);
    expectClose(dw, want.dw);
    expectClose(db, want.db);
    expectClose(dx, want.dx);
    const dw2 = new Float32Array(w.length);
    K.conv2dBackward(g, x, w, dy, dw2, db, null);
    expect(dw2).toEqual(dw);
  });

  it.each(shapes)('per-example squared norms equal one-example-at-a-time gradients: %s', (_name, s) => {
    const g = conv2dGeometry(s);
    const rng = Rng.fromSeed(3);
    const x = random(g.batch * g.inChannels * g.inHeight * g.inWidth, rng);
    const dy = random(g.batch * g.outChannels * g.outHeight * g.outWidth, rng);
    const out = new Float64Array(g.batch);
    K.conv2dGradSqNorms(g, x, dy, out);
    const one = { ...g, batch: 1 };
    const xs = x.length / g.batch;
    const ys = dy.length / g.batch;
    for (let n = 0; n < g.batch; n++) {
      const w = new Float32Array(g.outChannels * g.inChannels * g.kernelH * g.kernelW);
      const { dw, db } = bruteConvGrads(one, x.subarray(n * xs, (n + 1) * xs), w, dy.subarray(n * ys, (n + 1) * ys));
      const want = [...dw, ...db].reduce((a, v) => a + v * v, 0);
      expect(Math.abs(out[n] - want) / want).toBeLessThan(1e-9);
    }
  });
});
