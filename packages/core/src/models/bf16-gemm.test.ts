import { describe, expect, it } from 'vitest';
import { conv2dGeometry } from '../kernels/conv-geometry.js';
import { jsConvKernels } from '../kernels/conv-js.js';
import { jsKernels } from '../kernels/js.js';
import type { Kernels } from '../kernels/kernels.js';
import { Rng } from '../rng/rng.js';
import { bf16GemmKernels, kernelsAtPrecision } from './bf16-gemm.js';

// bfloat16 round to nearest even by bit arithmetic, independent of the codec the kernels use.
function roundBf16(a: Float32Array): Float32Array {
  const out = a.slice();
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) bits[i] = (bits[i] + 0x7fff + ((bits[i] >>> 16) & 1)) & 0xffff0000;
  return out;
}

function normal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n);
  Rng.fromSeed(seed).fillNormal(x);
  return x;
}

describe('bf16 GEMM emulation (model.precision: bf16 on kernels without their own)', () => {
  it('gemm sums the exact products of bf16-rounded operands, for every transpose', () => {
    const [m, n, k] = [5, 7, 33];
    const a = normal(m * k, 1);
    const b = normal(k * n, 2);
    const [ra, rb] = [roundBf16(a), roundBf16(b)];
    const K = bf16GemmKernels(jsKernels);
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const c = new Float32Array(m * n);
      K.gemm(tA, tB, m, n, k, 1, a, b, 0, c);
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let s = 0; // float64 over the rounded operands: each product exact, one rounding at the end
          for (let p = 0; p < k; p++) s += ra[tA ? p * m + i : i * k + p] * rb[tB ? j * k + p : p * n + j];
          expect(c[i * n + j]).toBeCloseTo(s, 4);
        }
      }
      const fp32 = new Float32Array(m * n);
      jsKernels.gemm(tA, tB, m, n, k, 1, a, b, 0, fp32);
      expect(Array.from(c)).not.toEqual(Array.from(fp32)); // the operands were rounded
    }
    expect(a).toEqual(normal(m * k, 1)); // the caller's operands are untouched
  });

  it('convolutions read bf16-rounded x, w and dy; bias, dw, db and dx stay float32', () => {
    const g = conv2dGeometry({
      batch: 2,
      inChannels: 3,
      inHeight: 6,
      inWidth: 5,
      outChannels: 4,
      kernelH: 3,
      kernelW: 3,
      strideH: 1,
      strideW: 1,
      padH: 1,
      padW: 1,
    });
    const [nx, nw, ny] = [2 * 3 * 6 * 5, 4 * 3 * 9, 2 * 4 * 6 * 5];
    const [x, w, b, dy] = [normal(nx, 3), normal(nw, 4), normal(4, 5), normal(ny, 6)];
    const conv = bf16GemmKernels(jsKernels).conv;
    if (!conv) throw new Error('no conv kernels');
    const [y, want] = [new Float32Array(ny), new Float32Array(ny)];
    conv.conv2dForward(g, x, w, b, y);
    jsConvKernels.conv2dForward(g, roundBf16(x), roundBf16(w), b, want);
    expect(y).toEqual(want);
    const got = { dw: new Float32Array(nw), db: new Float32Array(4), dx: new Float32Array(nx) };
    const ref = { dw: new Float32Array(nw), db: new Float32Array(4), dx: new Float32Array(nx) };
    conv.conv2dBackward(g, x, w, dy, got.dw, got.db, got.dx);
    jsConvKernels.conv2dBackward(g, roundBf16(x), roundBf16(w), roundBf16(dy), ref.dw, ref.db, ref.dx);
    expect(got).toEqual(ref);
    const fp32 = new Float32Array(ny);
    jsConvKernels.conv2dForward(g, x, w, b, fp32);
    expect(y).not.toEqual(fp32);
  });

  it('picks the kernels: fp32 unchanged, the backend’s own bf16 GEMM when it has one, else one emulation per backend', () => {
    expect(kernelsAtPrecision(jsKernels, 'fp32')).toBe(jsKernels);
    const emulated = kernelsAtPrecision(jsKernels, 'bf16');
    expect(emulated).not.toBe(jsKernels);
    expect(kernelsAtPrecision(jsKernels, 'bf16')).toBe(emulated);
    expect(emulated.atPrecision?.('fp32')).toBe(jsKernels);
    const own: Kernels = { ...jsKernels, atPrecision: (p) => (p === 'bf16' ? own : jsKernels) };
    expect(kernelsAtPrecision(own, 'bf16')).toBe(own);
  });
});
