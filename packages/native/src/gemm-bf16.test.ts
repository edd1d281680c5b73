import { Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeConvKernels } from './native-conv-kernels.js';
import { nativeKernels } from './native-kernels.js';

/*
 * The bf16 option (operands rounded to bfloat16, float32 accumulation) against a float64 brute force on
 * operands rounded to bf16 in the test (round to nearest even, written here independently): products
 * of bf16 values are exact in float32, so the only error left is float32 accumulation,
 * |Δ| ≤ 1e-5·√k·(|α|·Σ|a·b| + |β·c|), at every SIMD level (avx512 with AVX-512 BF16 runs vdpbf16ps,
 * the others emulate). Against FP32 the error is the rounding of the operands, about 2^-8 relative.
 */
const binding = loadBinding();
const rng = Rng.fromSeed(20261205).fork('bf16');
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function toBf16(x: number): number {
  f32[0] = x;
  const u = u32[0];
  u32[0] = (((u + 0x7fff + ((u >>> 16) & 1)) >>> 16) << 16) >>> 0;
  return f32[0];
}

function random(n: number): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -1, 1);
  return x;
}

describe.each(binding.simdLevels())('bf16 GEMM and convolution at SIMD level %s', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each([
    [1, 1, 1],
    [8, 32, 2],
    [37, 45, 801],
    [196, 64, 800],
    [10, 512, 3136],
    [9, 33, 31],
  ])('gemm %i×%i×%i in all four layouts, rounded operands and float32 accumulation', (m, n, k) => {
    const kernels = nativeKernels(binding, { precision: 'bf16' });
    for (const [ta, tb, alpha, beta] of [
      [false, false, 1, 0],
      [true, false, 0.5, 1],
      [false, true, -1.25, -0.5],
      [true, true, 1, 0],
    ] as const) {
      const [a, b, c0] = [random(m * k), random(k * n), random(m * n)];
      const c = c0.slice();
      kernels.gemm(ta, tb, m, n, k, alpha, a, b, beta, c);
      for (let i = 0; i < m; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          let mag = 0;
          for (let p = 0; p < k; p++) {
            const t = toBf16(ta ? a[p * m + i] : a[i * k + p]) * toBf16(tb ? b[j * k + p] : b[p * n + j]);
            s += t;
            mag += Math.abs(t);
          }
          const want = alpha * s + beta * c0[i * n + j];
          const tol = 1e-5 * Math.sqrt(k) * (Math.abs(alpha) * mag + Math.abs(beta * c0[i * n + j])) + 1e-30;
          if (!(Math.abs(c[i * n + j] - want) <= tol))
            throw new Error(`(${ta}, ${tb}) c[${i},${j}] = ${c[i * n + j]}, want ${want} ± ${tol}`);
        }
    }
  });

  it('bf16 convolution forward and backward = FP32 ones on operands rounded to bf16', () => {
    const geo = {
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
      outHeight: 14,
      outWidth: 14,
    };
    const [x, w, b, dy] = [random(2 * 32 * 196), random(64 * 800), random(64), random(2 * 64 * 196)];
    const [xr, wr, dyr] = [x.map(toBf16), w.map(toBf16), dy.map(toBf16)];
    const [fp32, bf16] = [nativeConvKernels(binding), nativeConvKernels(binding, 'bf16')];
    const out = () => [
      new Float32Array(2 * 64 * 196),
      new Float32Array(64 * 800),
      new Float32Array(64),
      new Float32Array(2 * 32 * 196),
    ];
    const [y1, dw1, db1, dx1] = out();
    const [y2, dw2, db2, dx2] = out();
    fp32.conv2dForward(geo, xr, wr, b, y1);
    bf16.conv2dForward(geo, x, w, b, y2);
    fp32.conv2dBackward(geo, xr, wr, dyr, dw1, db1, dx1);
    bf16.conv2dBackward(geo, x, w, dy, dw2, db2, dx2);
    // Both sides accumulate in float32 in different orders: 1e-5·√terms of the magnitudes (≤ 1 each).
    const close = (got: Float32Array, want: Float32Array, terms: number, what: string) => {
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= 1e-5 * Math.sqrt(terms) * terms))
          throw new Error(`${what}[${i}] = ${got[i]}, FP32 on rounded operands ${want[i]}`);
      }
    };
    close(y2, y1, 800, 'y');
    close(dw2, dw1, 392, 'dw');
    close(dx2, dx1, 64 * 25, 'dx');
    expect(db2).toEqual(fp32Bias(dy, 64, 196));
    expect(y2).not.toEqual(fp32Forward(fp32, geo, x, w, b));
  });
});

function fp32Bias(dy: Float32Array, k: number, t: number): Float32Array {
  const db = new Float32Array(k);
  for (let c = 0; c < k; c++) {
    let s = 0;
    for (let n = 0; n < dy.length / (k * t); n++) for (let i = 0; i < t; i++) s += dy[(n * k + c) * t + i];
    db[c] = s;
  }
  return db;
}

function fp32Forward(
  conv: ReturnType<typeof nativeConvKernels>,
  geo: Parameters<ReturnType<typeof nativeConvKernels>['conv2dForward']>[0],
  x: Float32Array,
  w: Float32Array,
  b: Float32Array,
): Float32Array {
  const y = new Float32Array(2 * 64 * 196);
  conv.conv2dForward(geo, x, w, b, y);
  return y;
}
