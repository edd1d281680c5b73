import { type Conv2dGeometry, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeConvKernels } from './native-conv-kernels.js';

/*
 * The Winograd path (F(4×4, 5×5), cpp/impl/conv-winograd*.inc) against a float64 brute force at every SIMD
 * level, for shapes the dispatcher sends to it (5×5, unit strides, C ≥ 8, K ≥ 8). Its error is not that
 * of a float32 dot product of the output's own terms: the transforms mix a whole 8×8 tile with
 * coefficients up to 21/4 and 32/45, so the error scales with the tile's magnitude, not the output's. The
 * bound is therefore on the array's scale S = max over entries of Σ|terms| (y: Σ|w·x| + |b|; dw: Σ|dy·x|;
 * dx: Σ|w·dy|): |Δ| ≤ τ·S with τ = 4e-6 for y, 3e-5 for dx and 4e-5 for dw, 3-5× the largest error seen
 * over these cases at any level (max |Δ|/S: y 1.21e-6, dx 5.9e-6, dw 1.26e-5). Changing one transform
 * coefficient by 1 % (Bᵀ[0][6] = 1.01) failed 36 of these 44 tests, by 160× or more (|Δ|/S from 6.4e-4
 * for y and 6.5e-4 for dw); the 8 that passed are the dispatch tests and the 5×5-image case, whose tiles
 * have zeros where that coefficient applies.
 */
const binding = loadBinding();
const auto = nativeConvKernels(binding);
const direct = nativeConvKernels(binding, 'fp32', 'direct');
const rng = Rng.fromSeed(20261205).fork('winograd');

function geometry(n: number, c: number, h: number, w: number, k: number, pad: number, kh = 5): Conv2dGeometry {
  return {
    batch: n,
    inChannels: c,
    inHeight: h,
    inWidth: w,
    outChannels: k,
    kernelH: kh,
    kernelW: kh,
    strideH: 1,
    strideW: 1,
    padH: pad,
    padW: pad,
    outHeight: h + 2 * pad - kh + 1,
    outWidth: w + 2 * pad - kh + 1,
  };
}

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -1, 1);
  return x;
}

/** f(yIndex, wIndex, xIndex) for every term of the convolution whose input is inside the image. */
function forEachTerm(g: Conv2dGeometry, f: (yi: number, wi: number, xi: number) => void): void {
  const { batch: N, inChannels: C, inHeight: H, inWidth: W, outChannels: K, kernelH: KH, kernelW: KW } = g;
  for (let n = 0; n < N; n++)
    for (let k = 0; k < K; k++)
      for (let oh = 0; oh < g.outHeight; oh++)
        for (let ow = 0; ow < g.outWidth; ow++)
          for (let c = 0; c < C; c++)
            for (let i = 0; i < KH; i++)
              for (let j = 0; j < KW; j++) {
                const r = oh - g.padH + i;
                const q = ow - g.padW + j;
                if (r < 0 || r >= H || q < 0 || q >= W) continue;
                const yi = ((n * K + k) * g.outHeight + oh) * g.outWidth + ow;
                f(yi, ((k * C + c) * KH + i) * KW + j, ((n * C + c) * H + r) * W + q);
              }
}

/** max |got − want| / S, S the largest entry of mag; throws if got has a non-finite entry. */
function scaledError(got: Float32Array, want: Float64Array, mag: Float64Array, what: string): number {
  expect(got.length).toBe(want.length);
  const scale = Math.max(...mag);
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (!Number.isFinite(got[i])) throw new Error(`${what}: entry ${i} is ${got[i]}`);
    worst = Math.max(worst, Math.abs(got[i] - want[i]) / scale);
  }
  return worst;
}

const TAU = { y: 4e-6, dx: 3e-5, dw: 4e-5 };

const CASES: [string, Conv2dGeometry][] = [
  ['McMahan layer 2 (14×14×32 → 64, pad 2), 3 images: a group of 2 and 1', geometry(3, 32, 14, 14, 64, 2)],
  ['odd 13×11, pad 1, C = 9, K = 10 (not whole vectors)', geometry(2, 9, 13, 11, 10, 1)],
  ['7×5, pad 2, C = 17, K = 20, one image', geometry(1, 17, 7, 5, 20, 2)],
  ['9×9, pad 0, C = K = 8 (the smallest channels sent to Winograd)', geometry(2, 8, 9, 9, 8, 0)],
  ['kernel = image (5×5, pad 0: one output), C = 16, K = 24', geometry(3, 16, 5, 5, 24, 0)],
  ['28×28, pad 2 (49 tiles: chunks inside one image), C = 8, K = 16', geometry(1, 8, 28, 28, 16, 2)],
  ['6×8, pad 1, C = 33, K = 9, five images', geometry(5, 33, 6, 8, 9, 1)],
];

describe.each(binding.simdLevels())('Winograd convolution at SIMD level %s against a float64 brute force', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(CASES)('forward: %s', (_, g) => {
    const nx = g.batch * g.inChannels * g.inHeight * g.inWidth;
    const sy = g.batch * g.outChannels * g.outHeight * g.outWidth;
    const sw = g.outChannels * g.inChannels * 25;
    const [x, w, b] = [random(nx), random(sw), random(g.outChannels)];
    const t = g.outHeight * g.outWidth;
    const [want, mag] = [new Float64Array(sy), new Float64Array(sy)];
    for (let yi = 0; yi < sy; yi++) {
      const k = Math.floor(yi / t) % g.outChannels;
      want[yi] = b[k];
      mag[yi] = Math.abs(b[k]);
    }
    forEachTerm(g, (yi, wi, xi) => {
      want[yi] += w[wi] * x[xi];
      mag[yi] += Math.abs(w[wi] * x[xi]);
    });
    const y = new Float32Array(sy).fill(Number.NaN);
    auto.conv2dForward(g, x, w, b, y);
    expect(scaledError(y, want, mag, 'y')).toBeLessThanOrEqual(TAU.y);
    const y2 = new Float32Array(sy);
    direct.conv2dForward(g, x, w, b, y2);
    expect(y2).not.toEqual(y); // the two paths really differ (Winograd ran)
  });

  it.each(CASES)('backward: %s', (_, g) => {
    const nx = g.batch * g.inChannels * g.inHeight * g.inWidth;
    const sy = g.batch * g.outChannels * g.outHeight * g.outWidth;
    const sw = g.outChannels * g.inChannels * 25;
    const [x, w, dy] = [random(nx), random(sw), random(sy)];
    const [dwRef, dwMag, dxRef, dxMag] = [sw, sw, nx, nx].map((n) => new Float64Array(n));
    forEachTerm(g, (yi, wi, xi) => {
      dwRef[wi] += dy[yi] * x[xi];
      dwMag[wi] += Math.abs(dy[yi] * x[xi]);
      dxRef[xi] += dy[yi] * w[wi];
      dxMag[xi] += Math.abs(dy[yi] * w[wi]);
    });
    const [dw, db, dx] = [new Float32Array(sw), new Float32Array(g.outChannels), new Float32Array(nx)];
    for (const a of [dw, db, dx]) a.fill(Number.NaN);
    auto.conv2dBackward(g, x, w, dy, dw, db, dx);
    expect(scaledError(dw, dwRef, dwMag, 'dw')).toBeLessThanOrEqual(TAU.dw);
    expect(scaledError(dx, dxRef, dxMag, 'dx')).toBeLessThanOrEqual(TAU.dx);
    const [dw2, db2] = [new Float32Array(sw), new Float32Array(g.outChannels)];
    auto.conv2dBackward(g, x, w, dy, dw2, db2, null);
    expect(dw2).toEqual(dw); // without dx: the same weight gradient
    expect(db2).toEqual(db);
  });
});

describe('Winograd dispatch', () => {
  it('depends on the shape only: a 1-channel 5×5 layer and a 3×3 layer take the direct path', () => {
    for (const g of [geometry(2, 1, 28, 28, 32, 2), geometry(2, 16, 10, 10, 16, 1, 3)]) {
      const nx = g.batch * g.inChannels * g.inHeight * g.inWidth;
      const sw = g.outChannels * g.inChannels * g.kernelH * g.kernelW;
      const [x, w, b] = [random(nx), random(sw), random(g.outChannels)];
      const sy = g.batch * g.outChannels * g.outHeight * g.outWidth;
      const [y1, y2] = [new Float32Array(sy), new Float32Array(sy)];
      auto.conv2dForward(g, x, w, b, y1);
      direct.conv2dForward(g, x, w, b, y2);
      expect(y1).toEqual(y2);
    }
  });

  it('rejects an unknown algorithm', () => {
    expect(() => nativeConvKernels(binding, 'fp32', 'fft' as 'auto')).toThrow(/algorithm/);
  });
});
