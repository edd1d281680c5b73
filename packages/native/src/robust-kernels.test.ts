import { jsRobustKernels, Rng, type RobustKernels, robustKernelsOf, StarlingError } from '@starling/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBinding } from './loader.js';
import { nativeKernels } from './native-kernels.js';
import { nativeRobustKernels } from './native-robust-kernels.js';

/*
 * The native robust kernels against the JS reference (jsRobustKernels) at every SIMD level this CPU has:
 * medians, trimmed means and distance matrices must be identical bit for bit, for random and adversarial
 * inputs (ties, ±0, subnormals, magnitudes up to 3.4e38) and every n around the SIMD widths and the
 * sorting network's powers of two.
 */
const binding = loadBinding();
const native = nativeRobustKernels(binding);
const js: RobustKernels = jsRobustKernels;

/** Exact comparison through the bits (−0 ≠ +0); reports the first differing index. */
function expectSame(got: Float32Array | Float64Array, want: Float32Array | Float64Array, what: string): void {
  expect(got.length).toBe(want.length);
  const g = got instanceof Float32Array ? new Uint32Array(got.buffer) : new BigUint64Array(got.buffer);
  const w = want instanceof Float32Array ? new Uint32Array(want.buffer) : new BigUint64Array(want.buffer);
  for (let i = 0; i < g.length; i++) {
    if (g[i] !== w[i]) throw new Error(`${what}, entry ${i}: native ${got[i]}, reference ${want[i]}`);
  }
}

type Style = 'random' | 'ties' | 'zeros' | 'subnormal' | 'huge' | 'mixed';
const STYLES: Style[] = ['random', 'ties', 'zeros', 'subnormal', 'huge', 'mixed'];

/** One entry in the given style; `mixed` draws each entry from all the others. */
function entry(style: Style, rng: Rng, bits: Uint32Array, x: Float32Array, i: number): void {
  const s = style === 'mixed' ? STYLES[rng.int(5)] : style;
  if (s === 'random') x[i] = rng.normal() * 10 ** (rng.int(12) - 6);
  else if (s === 'ties') x[i] = [1, 2, 2.5, -3][rng.int(4)];
  else if (s === 'zeros') bits[i] = rng.int(2) ? 0x80000000 : 0;
  else if (s === 'subnormal')
    bits[i] = (rng.nextUint32() & 0x80000003) >>> 0; // tiny, often equal
  else x[i] = [1e30, -1e30, 3.4e38, -3.4e38, 1e-30, 1][rng.int(6)] * (1 + rng.int(3));
}

function vectorsOf(n: number, d: number, style: Style, seed: number): Float32Array[] {
  const rng = Rng.fromSeed(seed).fork(style, n * 100_000 + d);
  return Array.from({ length: n }, () => {
    const x = new Float32Array(d);
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < d; i++) entry(style, rng, bits, x, i);
    return x;
  });
}

const SIZES = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 64, 65, 100, 101, 128, 130];

function trimsOf(n: number): number[] {
  return [...new Set([0, 1, n >> 2, (n - 1) >> 1])].filter((t) => 2 * t < n);
}

describe.each(binding.simdLevels())('native robust kernels at SIMD level %s', (level) => {
  beforeAll(() => {
    binding.setSimd(level);
  });
  afterAll(() => {
    binding.setSimd('auto');
  });

  it.each(SIZES)('median and trimmed mean equal the reference bit for bit, n = %i', (n) => {
    for (const style of STYLES) {
      for (const d of [0, 1, 7, 8, 15, 16, 17, 40, 333]) {
        const vectors = vectorsOf(n, d, style, 1);
        const [a, b] = [new Float32Array(d), new Float32Array(d).fill(Number.NaN)];
        js.coordinateMedian(vectors, a);
        native.coordinateMedian(vectors, b);
        expectSame(b, a, `median, ${style}, d = ${d}`);
        for (const trim of trimsOf(n)) {
          js.trimmedMean(vectors, trim, a);
          native.trimmedMean(vectors, trim, b);
          expectSame(b, a, `trimmed mean, trim ${trim}, ${style}, d = ${d}`);
        }
      }
    }
  });

  it('agrees on 100 updates × 20,000 floats and past the sorting network (n = 2050)', () => {
    for (const [n, d, trim] of [
      [100, 20_000, 10],
      [2050, 24, 500],
    ]) {
      const vectors = vectorsOf(n, d, 'mixed', 2);
      const [a, b] = [new Float32Array(d), new Float32Array(d)];
      js.coordinateMedian(vectors, a);
      native.coordinateMedian(vectors, b);
      expectSame(b, a, `median, n = ${n}`);
      js.trimmedMean(vectors, trim, a);
      native.trimmedMean(vectors, trim, b);
      expectSame(b, a, `trimmed mean, n = ${n}`);
    }
  });

  it.each([1, 2, 3, 4, 5, 6, 9, 13, 40])('pairwise squared distances equal the reference bit for bit, n = %i', (n) => {
    for (const style of STYLES) {
      for (const d of [0, 1, 7, 8, 9, 1023, 1024, 2061]) {
        const vectors = vectorsOf(n, d, style, 3);
        const [a, b] = [new Float64Array(n * n + 2).fill(7), new Float64Array(n * n + 2).fill(7)];
        js.pairwiseSquaredDistances(vectors, a);
        native.pairwiseSquaredDistances(vectors, b);
        expectSame(b, a, `distances, ${style}, d = ${d}`);
      }
    }
  });
});

describe('native robust kernels refuse bad arguments without touching memory', () => {
  const v = (d: number) => new Float32Array(d);

  it.each([
    ['no vectors', () => native.coordinateMedian([], v(3)), 'coordinateMedian: vectors.length: expected at least 1'],
    ['a short vector', () => native.coordinateMedian([v(3), v(2)], v(3)), 'vectors[1].length: expected out.length = 3'],
    [
      'a Float64Array',
      () => Reflect.apply(native.trimmedMean, native, [[new Float64Array(3)], 0, v(3)]),
      'vectors[0]: expected a Float32Array',
    ],
    [
      'trim too large',
      () => native.trimmedMean([v(3), v(3)], 1, v(3)),
      'trim: expected an integer with 0 ≤ 2·trim < n = 2',
    ],
    ['a fractional trim', () => native.trimmedMean([v(3), v(3), v(3)], 0.5, v(3)), 'trimmedMean: trim'],
    [
      'out aliasing an input',
      () => {
        const x = v(6);
        native.coordinateMedian([x.subarray(0, 3), v(3)], x.subarray(2, 5));
      },
      'coordinateMedian: out: expected memory disjoint from vectors[0]',
    ],
    [
      'a short distance matrix',
      () => native.pairwiseSquaredDistances([v(4), v(4)], new Float64Array(3)),
      'out.length: expected at least n² = 4',
    ],
    [
      'unequal lengths',
      () => native.pairwiseSquaredDistances([v(4), v(5)], new Float64Array(4)),
      'vectors[1].length: expected vectors[0].length = 4',
    ],
  ])('%s', (_, call, message) => {
    expect(call).toThrow(StarlingError);
    expect(call).toThrow(message);
  });

  it('the raw binding throws instead of reading past an array', () => {
    expect(() => binding.coordinateMedian([v(3), v(2)], v(3))).toThrow(RangeError);
    expect(() => binding.trimmedMean([v(3), v(3)], 1, v(3))).toThrow(RangeError);
    expect(() => binding.pairwiseSquaredDistances([v(3), v(3)], new Float64Array(3))).toThrow(RangeError);
    expect(() => binding.coordinateMedian([], v(3))).toThrow(TypeError);
  });

  it('is the robust member of the native Kernels', () => {
    const kernels = nativeKernels(binding);
    expect(robustKernelsOf(kernels).backend).toBe('native');
  });
});
