import { firstNonFinite, jsKernels, type Kernels, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * The fused passes of local training (cpp/impl/fused.inc) against the unfused kernels they replace, bit
 * for bit, on every SIMD level this CPU has and on the JS reference: sgdInto = copy then optimizerStep
 * (sgd); sgdDelta = optimizerStep (sgd), sub, firstNonFinite. Lengths straddle the vector widths (1, 15,
 * 16, 17, 33, 1000); inputs include ±0, subnormals, huge values whose step overflows, ±Inf and NaN.
 */
const binding = loadBinding();
const native = nativeKernels(binding);
const rng = Rng.fromSeed(20261205).fork('fused-differential');
const LENGTHS = [1, 15, 16, 17, 33, 1000];
const STEPS: [number, number][] = [
  [0.05, 0],
  [0.1, 1e-4],
  [3.7, 0.5],
];

function random(n: number, specials: boolean): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -2, 2);
  if (specials) {
    const odd = [0, -0, 1e-40, -1e-40, 3e38, -3e38, Number.POSITIVE_INFINITY, Number.NaN];
    for (let k = 0; k < Math.max(1, n >> 4); k++) x[rng.int(n)] = odd[rng.int(odd.length)];
  }
  return x;
}

const bitsOf = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

/** The unfused passes: what the fused kernels must reproduce. */
function unfused(k: Kernels, lr: number, l2: number, p: Float32Array, g: Float32Array, base: Float32Array) {
  const stepped = p.slice();
  k.optimizerStep({ kind: 'sgd', lr, weightDecay: l2 }, stepped, g, []);
  const delta = new Float32Array(p.length);
  k.sub(stepped, base, delta);
  return { stepped, delta, bad: firstNonFinite(delta) };
}

function checkBackend(k: Kernels) {
  for (const n of LENGTHS) {
    for (const specials of [false, true]) {
      for (const [lr, l2] of STEPS) {
        const [p, g, base] = [random(n, specials), random(n, specials), random(n, false)];
        const want = unfused(k, lr, l2, p, g, base);
        const pBits = bitsOf(p);
        const out = new Float32Array(n);
        k.sgdInto!(lr, l2, p, g, out);
        expect(bitsOf(out)).toEqual(bitsOf(want.stepped));
        const delta = new Float32Array(n);
        expect(k.sgdDelta!(lr, l2, p, g, base, delta)).toBe(want.bad);
        expect(bitsOf(delta)).toEqual(bitsOf(want.delta));
        // A one-step round: base is params itself.
        const self = unfused(k, lr, l2, p, g, p);
        expect(k.sgdDelta!(lr, l2, p, g, p, delta)).toBe(self.bad);
        expect(bitsOf(delta)).toEqual(bitsOf(self.delta));
        expect(bitsOf(p)).toEqual(pBits);
      }
    }
  }
}

describe.each(binding.simdLevels())('fused SGD passes at SIMD level %s', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it('give the bits of optimizerStep, sub and firstNonFinite, params untouched', () => {
    checkBackend(native);
  });

  it('find the first non-finite entry of Δ, and report none when there is none', () => {
    const n = 100;
    const p = new Float32Array(n).fill(1);
    const g = new Float32Array(n);
    const delta = new Float32Array(n);
    expect(native.sgdDelta!(0.1, 0, p, g, p, delta)).toBe(-1);
    g[77] = Number.NaN;
    g[90] = Number.POSITIVE_INFINITY;
    expect(native.sgdDelta!(0.1, 0, p, g, p, delta)).toBe(77);
    g[77] = 0;
    p[91] = 3e38;
    g[91] = -3e38; // 3e38 + 0.5·3e38 overflows to +Inf
    expect(native.sgdDelta!(0.5, 0, p, g, new Float32Array(n), delta)).toBe(90);
  });
});

describe('fused SGD passes, JS reference', () => {
  it('give the bits of optimizerStep, sub and firstNonFinite, params untouched', () => {
    checkBackend(jsKernels);
  });
});

describe('fused SGD passes, argument checks', () => {
  it('refuse overlapping outputs and wrong lengths, and accept base = params', () => {
    const buf = new Float32Array(64);
    const [p, g] = [buf.subarray(0, 16), buf.subarray(16, 32)];
    expect(() => native.sgdInto!(0.1, 0, p, g, buf.subarray(8, 24))).toThrow(/disjoint/);
    expect(() => native.sgdDelta!(0.1, 0, p, g, p, buf.subarray(24, 40))).toThrow(/disjoint/);
    expect(() => native.sgdDelta!(0.1, 0, p, g, buf.subarray(4, 20), buf.subarray(40, 56))).toThrow(/disjoint/);
    expect(() => native.sgdDelta!(0.1, 0, p, g, p, new Float32Array(15))).toThrow(/length/);
    expect(native.sgdDelta!(0.1, 0, p, g, p, buf.subarray(32, 48))).toBe(-1);
  });
});
