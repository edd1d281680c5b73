import { firstNonFinite, jsKernels, type Kernels, Rng } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';

/*
 * sgdDeltaAcc (cpp/impl/fused.inc): the fused last step that also adds w·Δ into the round's float64
 * accumulator, against the two kernels it replaces (sgdDelta, then accumulate) on the same backend, bit
 * for bit in Δ and in the accumulator, on every SIMD level this CPU has and in the JS reference. Lengths
 * straddle the vector widths and the kernel's 512-entry chunks; Δ is written both to a vector-aligned
 * buffer, to none (Δ only added), and to ones offset by 1, 5 and 15 floats (plain stores up to the first aligned entry, non-temporal ones from there at the SIMD levels).
 */
const binding = loadBinding();
const native = nativeKernels(binding);
const rng = Rng.fromSeed(20261206).fork('fused-acc');
const LENGTHS = [1, 15, 16, 17, 511, 512, 513, 1025, 4099];
const STEPS: [number, number, number][] = [
  [0.05, 0, 0.01],
  [0.1, 1e-4, 0.37],
  [3.7, 0.5, 1e-3],
];

function random(n: number, specials: boolean): Float32Array {
  const x = new Float32Array(n);
  rng.fillUniform(x, -2, 2);
  if (specials) {
    const odd = [0, -0, 1e-40, -1e-40, 3e38, -3e38];
    for (let k = 0; k < Math.max(1, n >> 4); k++) x[rng.int(n)] = odd[rng.int(odd.length)];
  }
  return x;
}

function randomAcc(n: number): Float64Array {
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = (rng.uniform() - 0.5) * 3;
  return a;
}

const bits32 = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));
const bits64 = (x: Float64Array) => Array.from(new BigUint64Array(x.buffer, x.byteOffset, x.length));

/** A Float32Array of n entries whose first entry sits `shift` floats past a 64-byte boundary. */
function placed(n: number, shift: number): Float32Array {
  return new Float32Array(new ArrayBuffer(4 * (n + 16)), 4 * shift, n);
}

function checkBackend(k: Kernels) {
  for (const n of LENGTHS) {
    for (const specials of [false, true]) {
      for (const [lr, l2, w] of STEPS) {
        const [p, g, base] = [random(n, specials), random(n, specials), random(n, false)];
        const acc0 = randomAcc(n);
        const wantDelta = new Float32Array(n);
        const wantAcc = acc0.slice();
        const wantBad = k.sgdDelta!(lr, l2, p, g, base, wantDelta);
        k.accumulate(w, wantDelta, wantAcc);
        for (const shift of [0, 1, 5, 15]) {
          const delta = placed(n, shift);
          const acc = acc0.slice();
          expect(k.sgdDeltaAcc!(lr, l2, p, g, base, delta, w, acc)).toBe(wantBad);
          expect(bits32(delta)).toEqual(bits32(wantDelta));
          expect(bits64(acc)).toEqual(bits64(wantAcc));
        }
        // No Δ written: the same sum and the same first bad index.
        const only = acc0.slice();
        expect(k.sgdDeltaAcc!(lr, l2, p, g, base, null, w, only)).toBe(wantBad);
        expect(bits64(only)).toEqual(bits64(wantAcc));
        // A one-step round: base is params itself.
        const selfDelta = new Float32Array(n);
        const selfAcc = acc0.slice();
        const selfBad = k.sgdDelta!(lr, l2, p, g, p, selfDelta);
        k.accumulate(w, selfDelta, selfAcc);
        const delta = new Float32Array(n);
        const acc = acc0.slice();
        expect(k.sgdDeltaAcc!(lr, l2, p, g, p, delta, w, acc)).toBe(selfBad);
        expect(bits32(delta)).toEqual(bits32(selfDelta));
        expect(bits64(acc)).toEqual(bits64(selfAcc));
      }
    }
  }
}

/** The first non-finite index comes back, in any chunk, as firstNonFinite finds it in Δ. */
function checkNonFinite(k: Kernels) {
  const n = 2000;
  const p = new Float32Array(n).fill(1);
  const g = new Float32Array(n);
  const [delta, acc] = [new Float32Array(n), new Float64Array(n)];
  expect(k.sgdDeltaAcc!(0.1, 0, p, g, p, delta, 0.5, acc)).toBe(-1);
  g[1300] = Number.NaN;
  g[1700] = Number.POSITIVE_INFINITY;
  expect(k.sgdDeltaAcc!(0.1, 0, p, g, p, delta, 0.5, acc)).toBe(1300);
  expect(firstNonFinite(delta)).toBe(1300);
  g[1300] = 0;
  expect(k.sgdDeltaAcc!(0.1, 0, p, g, p, delta, 0.5, acc)).toBe(1700);
  expect(k.sgdDeltaAcc!(0.1, 0, p, g, p, null, 0.5, acc)).toBe(1700);
  g[1700] = 0;
  expect(k.sgdDeltaAcc!(0.1, 0, p, g, p, null, 0.5, acc)).toBe(-1);
}

describe.each(binding.simdLevels())('sgdDeltaAcc at SIMD level %s', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it('gives the bits of sgdDelta then accumulate, in Δ and in the accumulator', () => {
    checkBackend(native);
  });

  it('returns the first non-finite index of Δ', () => {
    checkNonFinite(native);
  });
});

describe('sgdDeltaAcc, JS reference', () => {
  it('gives the bits of sgdDelta then accumulate, and the first non-finite index', () => {
    checkBackend(jsKernels);
    checkNonFinite(jsKernels);
  });
});

describe('sgdDeltaAcc, argument checks', () => {
  it('refuses a float32 or short accumulator and one that overlaps a vector', () => {
    const [p, g, d] = [new Float32Array(16), new Float32Array(16), new Float32Array(16)];
    const f32 = new Float32Array(16) as unknown as Float64Array;
    expect(() => native.sgdDeltaAcc!(0.1, 0, p, g, p, d, 1, f32)).toThrow(/Float64Array/);
    expect(() => native.sgdDeltaAcc!(0.1, 0, p, g, p, d, 1, new Float64Array(15))).toThrow(/length/);
    const shared = new ArrayBuffer(4 * 16 + 8 * 16);
    const [d2, acc] = [new Float32Array(shared, 0, 16), new Float64Array(shared, 32, 16)];
    expect(() => native.sgdDeltaAcc!(0.1, 0, p, g, p, d2, 1, acc)).toThrow(/disjoint/);
    expect(() => native.sgdDeltaAcc!(0.1, 0, p, g, p, d, '1' as unknown as number, new Float64Array(16))).toThrow(
      /weight/,
    );
    expect(native.sgdDeltaAcc!(0.1, 0, p, g, p, d, 1, new Float64Array(shared, 64, 16))).toBe(-1);
  });
});
