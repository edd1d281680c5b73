import { type Conv2dGeometry, Rng, StarlingError } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeConvKernels } from './native-conv-kernels.js';

/*
 * Native convolutions against an independent float64 brute force (the 7-loop definition), at every SIMD
 * level this CPU has. Tolerances, d = C·kh·kw the length of one output's sum (float32 FMA accumulation
 * in GEMM blocks against float64):
 * - y: |Δ| ≤ 1e-5·√d·(Σ|w·x| + |b|);  dw: |Δ| ≤ 1e-5·√(N·OH·OW)·Σ|dy·x|;  dx: 1e-5·√(K·kh·kw)·Σ|w·dy|;
 * - db (float64 accumulation): |Δ| ≤ 2^-22·Σ|dy|;
 * - squared norms: |Δ| ≤ 1e-5·(√d + √K + √(OH·OW))·2·m, m the same norm of |dy| and |x| (the bound of
 *   either form: the per-example GEMM, or the two Gram GEMMs of ghost clipping).
 */
const binding = loadBinding();
const conv = nativeConvKernels(binding);
const rng = Rng.fromSeed(20261205).fork('conv');

function geometry(
  n: number,
  c: number,
  h: number,
  w: number,
  k: number,
  kh: number,
  kw: number,
  s = [1, 1],
  p = [0, 0],
) {
  const [strideH, strideW] = s;
  const [padH, padW] = p;
  const outHeight = Math.floor((h + 2 * padH - kh) / strideH) + 1;
  const outWidth = Math.floor((w + 2 * padW - kw) / strideW) + 1;
  return {
    batch: n,
    inChannels: c,
    inHeight: h,
    inWidth: w,
    outChannels: k,
    kernelH: kh,
    kernelW: kw,
    strideH,
    strideW,
    padH,
    padW,
    outHeight,
    outWidth,
  };
}

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -1, 1);
  return x;
}

/** Calls f(n, k, oh, ow, c, i, j, xIndex) for every term of the convolution whose input is inside the image. */
function forEachTerm(g: Conv2dGeometry, f: (yi: number, wi: number, xi: number, k: number) => void): void {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: K, kernelH: KH, kernelW: KW } = g;
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const r = oh * g.strideH - g.padH + i;
                const q = ow * g.strideW - g.padW + j;
                if (r < 0 || r >= H || q < 0 || q >= W) continue;
                const yi = ((n * K + k) * g.outHeight + oh) * g.outWidth + ow;
                f(yi, ((k * C + c) * KH + i) * KW + j, ((n * C + c) * H + r) * W + q, k);
              }
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: ArrayLike<number>, what: string) {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol[i]))
      throw new Error(`${what}: entry ${i} is ${got[i]}, reference ${want[i]} (tolerance ${tol[i]})`);
  }
}

const sizes = (g: Conv2dGeometry) => ({
  x: g.batch * g.inChannels * g.inHeight * g.inWidth,
  y: g.batch * g.outChannels * g.outHeight * g.outWidth,
  w: g.outChannels * g.inChannels * g.kernelH * g.kernelW,
  t: g.outHeight * g.outWidth,
  d: g.inChannels * g.kernelH * g.kernelW,
});

const CASES: [string, Conv2dGeometry][] = [
  ['McMahan layer 1 (28×28, 5×5×32, pad 2)', geometry(3, 1, 28, 28, 32, 5, 5, [1, 1], [2, 2])],
  ['McMahan layer 2 (14×14×32, 5×5×64, pad 2)', geometry(2, 32, 14, 14, 64, 5, 5, [1, 1], [2, 2])],
  ['non-square, strides 2×3, pads 1×2', geometry(2, 3, 7, 10, 5, 3, 4, [2, 3], [1, 2])],
  ['kernel = image size', geometry(3, 2, 5, 4, 3, 5, 4)],
  ['stride larger than the kernel', geometry(2, 2, 9, 9, 4, 2, 2, [3, 3])],
  ['ghost-clipping regime (T = 16, d = 144, K = 32)', geometry(4, 16, 4, 4, 32, 3, 3, [1, 1], [1, 1])],
  ['1×1 kernel', geometry(2, 8, 5, 6, 8, 1, 1)],
  ['three image groups (7 images of T·d = 80,000)', geometry(7, 8, 20, 20, 6, 5, 5, [1, 1], [2, 2])],
  ['odd sizes, stride 2 with padding', geometry(3, 3, 11, 13, 7, 4, 3, [2, 2], [2, 1])],
  ['row stride 2, column stride 1 (direct forward and dw, GEMM dx)', geometry(2, 4, 9, 11, 3, 3, 3, [2, 1], [1, 1])],
];

describe.each(binding.simdLevels())('native convolution at SIMD level %s against a float64 brute force', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(CASES)('forward: %s', (_, g) => {
    const s = sizes(g);
    const [x, w, b] = [random(s.x), random(s.w), random(g.outChannels)];
    const want = new Float64Array(s.y);
    const mag = new Float64Array(s.y);
    for (let yi = 0; yi < s.y; yi++) {
      const k = Math.floor(yi / s.t) % g.outChannels;
      want[yi] = b[k];
      mag[yi] = Math.abs(b[k]);
    }
    forEachTerm(g, (yi, wi, xi) => {
      want[yi] += w[wi] * x[xi];
      mag[yi] += Math.abs(w[wi] * x[xi]);
    });
    const y = new Float32Array(s.y).fill(Number.NaN);
    conv.conv2dForward(g, x, w, b, y);
    expectClose(
      y,
      want,
      mag.map((m) => 1e-5 * Math.sqrt(s.d) * m + 1e-30),
      'y',
    );
  });

  it.each(CASES)('backward: %s', (_, g) => {
    const s = sizes(g);
    const [x, w, dy] = [random(s.x), random(s.w), random(s.y)];
    const [dwRef, dwMag] = [new Float64Array(s.w), new Float64Array(s.w)];
    const [dxRef, dxMag] = [new Float64Array(s.x), new Float64Array(s.x)];
    const [dbRef, dbMag] = [new Float64Array(g.outChannels), new Float64Array(g.outChannels)];
    for (let yi = 0; yi < s.y; yi++) {
      const k = Math.floor(yi / s.t) % g.outChannels;
      dbRef[k] += dy[yi];
      dbMag[k] += Math.abs(dy[yi]);
    }
    forEachTerm(g, (yi, wi, xi) => {
      dwRef[wi] += dy[yi] * x[xi];
      dwMag[wi] += Math.abs(dy[yi] * x[xi]);
      dxRef[xi] += dy[yi] * w[wi];
      dxMag[xi] += Math.abs(dy[yi] * w[wi]);
    });
    const [dw, db, dx] = [new Float32Array(s.w), new Float32Array(g.outChannels), new Float32Array(s.x)];
    for (const a of [dw, db, dx]) a.fill(Number.NaN);
    conv.conv2dBackward(g, x, w, dy, dw, db, dx);
    const sumLength = g.batch * s.t;
    expectClose(
      dw,
      dwRef,
      dwMag.map((m) => 1e-5 * Math.sqrt(sumLength) * m + 1e-30),
      'dw',
    );
    expectClose(
      db,
      dbRef,
      dbMag.map((m) => 2 ** -22 * m + 1e-30),
      'db',
    );
    const taps = g.outChannels * g.kernelH * g.kernelW;
    expectClose(
      dx,
      dxRef,
      dxMag.map((m) => 1e-5 * Math.sqrt(taps) * m),
      'dx',
    );
    // Without dx: the same weight gradient, dx untouched.
    const dw2 = new Float32Array(s.w);
    conv.conv2dBackward(g, x, w, dy, dw2, db, null);
    expect(dw2).toEqual(dw);
  });

  it.each(CASES)('per-example squared gradient norms (ghost or per-example form): %s', (_, g) => {
    const s = sizes(g);
    const [x, dy] = [random(s.x), random(s.y)];
    // Per-example gradients in float64, and the same of |dy| and |x| for the tolerance.
    const per = (n: number) => Math.floor(n / (g.outChannels * s.t));
    const [gw, gm] = [new Float64Array(g.batch * s.w), new Float64Array(g.batch * s.w)];
    const [gb, gbm] = [new Float64Array(g.batch * g.outChannels), new Float64Array(g.batch * g.outChannels)];
    forEachTerm(g, (yi, wi, xi) => {
      gw[per(yi) * s.w + wi] += dy[yi] * x[xi];
      gm[per(yi) * s.w + wi] += Math.abs(dy[yi] * x[xi]);
    });
    for (let yi = 0; yi < s.y; yi++) {
      const e = per(yi) * g.outChannels + (Math.floor(yi / s.t) % g.outChannels);
      gb[e] += dy[yi];
      gbm[e] += Math.abs(dy[yi]);
    }
    const want = new Float64Array(g.batch);
    const tol = new Float64Array(g.batch);
    const factor = 2e-5 * (Math.sqrt(s.d) + Math.sqrt(g.outChannels) + Math.sqrt(s.t));
    for (let n = 0; n < g.batch; n++) {
      for (let e = 0; e < s.w; e++) {
        want[n] += gw[n * s.w + e] ** 2;
        tol[n] += factor * gm[n * s.w + e] ** 2;
      }
      for (let k = 0; k < g.outChannels; k++) {
        want[n] += gb[n * g.outChannels + k] ** 2;
        tol[n] += factor * gbm[n * g.outChannels + k] ** 2;
      }
    }
    const out = new Float64Array(g.batch).fill(Number.NaN);
    conv.conv2dGradSqNorms(g, x, dy, out);
    expectClose(out, want, tol, 'norms');
  });
});

describe('the native convolution adapter checks its arguments', () => {
  const g = geometry(2, 3, 6, 5, 4, 3, 3, [1, 1], [1, 1]);
  const s = sizes(g);
  const [x, w, b, y] = [random(s.x), random(s.w), random(4), new Float32Array(s.y)];
  const fails = (f: () => void, message: string) => {
    expect(f).toThrow(StarlingError);
    expect(f).toThrow(message);
  };

  it('names the geometry field that is wrong', () => {
    fails(() => conv.conv2dForward({ ...g, outHeight: 5 }, x, w, b, y), 'conv2dForward: g.outHeight');
    fails(() => conv.conv2dForward({ ...g, padW: 3 }, x, w, b, y), 'conv2dForward: g.padW');
    fails(() => conv.conv2dForward({ ...g, strideH: 0 }, x, w, b, y), 'conv2dForward: g.strideH');
    fails(() => conv.conv2dForward({ ...g, batch: 1.5 }, x, w, b, y), 'conv2dForward: g.batch');
    fails(() => conv.maxPool2dForward(g, x, y, new Int32Array(s.y)), 'maxPool2dForward: g.outChannels');
  });

  it('names short arrays, wrong types and outputs that overlap inputs', () => {
    fails(() => conv.conv2dForward(g, x.subarray(1), w, b, y), 'conv2dForward: x.length');
    fails(() => conv.conv2dForward(g, x, w, b.subarray(1), y), 'conv2dForward: b.length');
    const shared = new Float32Array(s.x + s.y);
    fails(() => conv.conv2dForward(g, shared, w, b, shared.subarray(s.x - 1)), 'conv2dForward: y');
    fails(() => conv.conv2dBackward(g, x, w, y, w, b.slice(), null), 'conv2dBackward: dw');
    fails(() => conv.conv2dGradSqNorms(g, x, y, new Float64Array(1)), 'conv2dGradSqNorms: out.length');
  });

  it('rejects argmax entries outside dx', () => {
    const p = geometry(1, 1, 4, 4, 1, 2, 2, [2, 2]);
    const argmax = new Int32Array([0, 2, 8, 16]);
    fails(() => conv.maxPool2dBackward(p, new Float32Array(4), argmax, new Float32Array(16)), 'argmax[3]');
  });
});
