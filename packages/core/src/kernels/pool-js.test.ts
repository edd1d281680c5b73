import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { type Conv2dShape, conv2dGeometry } from './conv-geometry.js';
import { jsConvKernels as K } from './conv-js.js';

const pool = (s: Partial<Conv2dShape>): Conv2dShape => ({
  batch: 2,
  inChannels: 2,
  inHeight: 5,
  inWidth: 6,
  outChannels: 2,
  kernelH: 2,
  kernelW: 2,
  strideH: 2,
  strideW: 2,
  padH: 0,
  padW: 0,
  ...s,
});

const cases: [string, Conv2dShape][] = [
  ['2×2 stride 2 (odd input, last row dropped)', pool({})],
  ['3×3 stride 2, overlapping windows', pool({ kernelH: 3, kernelW: 3 })],
  ['3×3 stride 1 padding 1', pool({ kernelH: 3, kernelW: 3, strideH: 1, strideW: 1, padH: 1, padW: 1 })],
  ['kernel = input size', pool({ kernelH: 5, kernelW: 6 })],
];

function windows(g: ReturnType<typeof conv2dGeometry>, cb: (t: number, cells: (number | null)[]) => void): void {
  let t = 0;
  for (let nc = 0; nc < g.batch * g.inChannels; nc++)
    for (let oh = 0; oh < g.outHeight; oh++)
      for (let ow = 0; ow < g.outWidth; ow++) {
        const cells: (number | null)[] = [];
        for (let i = 0; i < g.kernelH; i++)
          for (let j = 0; j < g.kernelW; j++) {
            const ih = oh * g.strideH - g.padH + i;
            const iw = ow * g.strideW - g.padW + j;
            const inside = ih >= 0 && ih < g.inHeight && iw >= 0 && iw < g.inWidth;
            cells.push(inside ? (nc * g.inHeight + ih) * g.inWidth + iw : null);
          }
        cb(t++, cells);
      }
}

describe('jsConvKernels pooling', () => {
  it.each(cases)('max pooling picks the window maximum and scatters back to it: %s', (_n, s) => {
    const g = conv2dGeometry(s);
    const rng = Rng.fromSeed(4);
    const x = new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth);
    rng.fillNormal(x);
    const outN = g.batch * g.inChannels * g.outHeight * g.outWidth;
    const y = new Float32Array(outN);
    const arg = new Int32Array(outN);
    K.maxPool2dForward(g, x, y, arg);
    const dy = new Float32Array(outN);
    rng.fillNormal(dy);
    const dx = new Float32Array(x.length).fill(Number.NaN);
    K.maxPool2dBackward(g, dy, arg, dx);
    const want = new Float64Array(x.length);
    windows(g, (t, cells) => {
      const real = cells.filter((c): c is number => c !== null);
      const best = real.reduce((a, c) => (x[c] > x[a] ? c : a), real[0]);
      expect(arg[t]).toBe(best);
      expect(y[t]).toBe(x[best]);
      want[best] += dy[t];
    });
    for (let i = 0; i < x.length; i++) expect(dx[i]).toBeCloseTo(want[i], 5);
  });

  it('max pooling takes the first maximum on ties, propagates NaN and never picks padding', () => {
    const g = conv2dGeometry(
      pool({ batch: 1, inChannels: 1, inHeight: 2, inWidth: 4, kernelH: 2, kernelW: 2, padH: 1, padW: 1 }),
    );
    const x = Float32Array.from([-5, -5, 1, Number.NaN, -5, -7, 1, 2]);
    const y = new Float32Array(g.outHeight * g.outWidth);
    const arg = new Int32Array(y.length);
    K.maxPool2dForward(g, x, y, arg);
    // windows (2×3 output): rows {−1,0},{1,2}; cols {−1,0},{1,2},{3,4}
    expect(Array.from(arg)).toEqual([0, 2, 3, 4, 6, 7]);
    expect(y[0]).toBe(-5);
    expect(Number.isNaN(y[2])).toBe(true);
  });

  it.each(cases)('average pooling is the window mean (padding as zeros) and its backward the adjoint: %s', (_n, s) => {
    const g = conv2dGeometry(s);
    const rng = Rng.fromSeed(5);
    const x = new Float32Array(g.batch * g.inChannels * g.inHeight * g.inWidth);
    rng.fillNormal(x);
    const outN = g.batch * g.inChannels * g.outHeight * g.outWidth;
    const y = new Float32Array(outN);
    K.avgPool2dForward(g, x, y);
    windows(g, (t, cells) => {
      const sum = cells.reduce((a: number, c) => a + (c === null ? 0 : x[c]), 0);
      expect(y[t]).toBeCloseTo(sum / cells.length, 5);
    });
    const dy = new Float32Array(outN);
    rng.fillNormal(dy);
    const dx = new Float32Array(x.length).fill(Number.NaN);
    K.avgPool2dBackward(g, dy, dx);
    let lhs = 0;
    let rhs = 0;
    for (let t = 0; t < outN; t++) lhs += y[t] * dy[t];
    for (let i = 0; i < x.length; i++) rhs += x[i] * dx[i];
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-4 * (1 + Math.abs(lhs)));
  });
});
