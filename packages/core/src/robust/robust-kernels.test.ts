import { describe, expect, it } from 'vitest';
import { StarlingError } from '../errors.js';
import { jsKernels } from '../kernels/js.js';
import { Rng } from '../rng/rng.js';
import { jsRobustKernels, robustKernelsOf } from './robust-kernels.js';

const { coordinateMedian, trimmedMean, pairwiseSquaredDistances } = jsRobustKernels;
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** IEEE totalOrder on finite float32 values, computed from the bits (−0 < +0), independent of Array sort. */
function totalOrderKey(v: number): number {
  f32[0] = v;
  const b = u32[0];
  return b >= 0x80000000 ? -(b - 0x80000000) - 1 : b;
}

/** Brute force: column i of the vectors sorted by totalOrder, as plain numbers. */
function column(vectors: Float32Array[], i: number): number[] {
  return vectors.map((v) => v[i]).sort((a, b) => totalOrderKey(a) - totalOrderKey(b));
}

function bruteMedian(vectors: Float32Array[], d: number): Float32Array {
  const n = vectors.length;
  return Float32Array.from({ length: d }, (_, i) => {
    const c = column(vectors, i);
    return n % 2 === 1 ? c[(n - 1) / 2] : (c[n / 2 - 1] + c[n / 2]) / 2;
  });
}

function bruteTrimmed(vectors: Float32Array[], trim: number, d: number): Float32Array {
  return Float32Array.from({ length: d }, (_, i) => {
    const kept = column(vectors, i).slice(trim, vectors.length - trim);
    return kept.slice(1).reduce((s, v) => s + v, kept[0]) / kept.length;
  });
}

/** Brute force distance: the 8-lane float64 order written plainly. */
function bruteDistance(a: Float32Array, b: Float32Array): number {
  const lane = [0, 0, 0, 0, 0, 0, 0, 0];
  for (let c = 0; c < a.length; c++) lane[c % 8] += (a[c] - b[c]) ** 2;
  return lane[0] + lane[1] + (lane[2] + lane[3]) + (lane[4] + lane[5] + (lane[6] + lane[7]));
}

/** Values that stress selection and summation: ties, ±0, subnormals, huge magnitudes, ordinary noise. */
const SPECIAL = [0, -0, 1, -1, 1.5, 2 ** -149, -(2 ** -149), 2 ** -140, 1e-40, 1e30, -1e30, 3.4e38, -3.4e38, 7];
function adversarial(n: number, d: number, seed: number): Float32Array[] {
  const rng = Rng.fromSeed(seed);
  return Array.from({ length: n }, () =>
    Float32Array.from({ length: d }, () =>
      rng.uniform() < 0.5 ? SPECIAL[rng.int(SPECIAL.length)] : rng.normal() * 10 ** (rng.int(12) - 6),
    ),
  );
}

const bits = (x: Float32Array | Float64Array) => Array.from(x, (v) => (Object.is(v, -0) ? '-0' : String(v)));

describe('robust kernels (JS reference)', () => {
  it.each([1, 2, 3, 4, 5, 8, 11, 33, 100])('median and trimmed mean equal brute force for n = %i', (n) => {
    const d = 37;
    const vectors = adversarial(n, d, n);
    const out = new Float32Array(d);
    coordinateMedian(vectors, out);
    expect(bits(out)).toEqual(bits(bruteMedian(vectors, d)));
    for (const trim of new Set([0, 1, Math.floor((n - 1) / 2)])) {
      if (2 * trim >= n) continue;
      trimmedMean(vectors, trim, out);
      expect(bits(out)).toEqual(bits(bruteTrimmed(vectors, trim, d)));
    }
  });

  it('takes the exact middle bits for odd n and rounds (lo + hi) / 2 once for even n', () => {
    const out = new Float32Array(1);
    coordinateMedian([Float32Array.of(5)], out);
    expect(out[0]).toBe(5);
    coordinateMedian([Float32Array.of(1), Float32Array.of(1 + 2 ** -23)], out);
    expect(out[0]).toBe(1); // 1 + 2^-24 is a tie: round half to even
    coordinateMedian([Float32Array.of(2 ** -149), Float32Array.of(2 ** -148)], out);
    expect(out[0]).toBe(2 ** -148); // 1.5·2^-149 between two subnormals: ties to even
    coordinateMedian([Float32Array.of(3.4e38), Float32Array.of(3.4e38)], out);
    expect(out[0]).toBe(Math.fround(3.4e38)); // the float64 sum does not overflow
    coordinateMedian(
      [3, 9, 1, 7].map((v) => Float32Array.of(v)),
      out,
    );
    expect(out[0]).toBe(5);
  });

  it('orders −0 before +0', () => {
    const out = new Float32Array(1);
    const col = (...v: number[]) => v.map((x) => Float32Array.of(x));
    coordinateMedian(col(-0, 0, -0), out);
    expect(Object.is(out[0], -0)).toBe(true);
    coordinateMedian(col(0, -0, 0), out);
    expect(Object.is(out[0], 0)).toBe(true);
    coordinateMedian(col(-0, -0), out);
    expect(Object.is(out[0], -0)).toBe(true);
    trimmedMean(col(-0, -0, -0), 0, out);
    expect(Object.is(out[0], -0)).toBe(true); // the sum starts from the smallest kept value, not from +0
    trimmedMean(col(0, -0, 5, -0, -1), 2, out);
    expect(Object.is(out[0], -0)).toBe(true); // sorted −1, −0, −0, +0, 5: the middle one
  });

  it('sums the kept values in ascending order', () => {
    const out = new Float32Array(1);
    trimmedMean(
      [1e30, 1, -1e30].map((v) => Float32Array.of(v)),
      0,
      out,
    );
    expect(out[0]).toBe(0); // −1e30 + 1 rounds to −1e30; index order would give 1/3
    trimmedMean(
      [1e30, 1, -1e30, 4, 4e30].map((v) => Float32Array.of(v)),
      1,
      out,
    );
    expect(out[0]).toBe(Math.fround((1 + 4 + Math.fround(1e30)) / 3));
  });

  it('returns the common value when every input is equal', () => {
    const rng = Rng.fromSeed(3);
    const v = Float32Array.from({ length: 50 }, () => rng.normal() * 10 ** (rng.int(60) - 30));
    const out = new Float32Array(50);
    for (const n of [1, 2, 7, 10]) {
      const vectors = Array.from({ length: n }, () => v.slice());
      coordinateMedian(vectors, out);
      expect(bits(out)).toEqual(bits(v));
      trimmedMean(vectors, (n - 1) >> 1, out);
      expect(bits(out)).toEqual(bits(v));
      trimmedMean(vectors, 0, out);
      expect(bits(out)).toEqual(bits(v));
    }
  });

  it.each([1, 2, 5, 9])('pairwise squared distances equal brute force for n = %i', (n) => {
    for (const d of [0, 1, 7, 8, 9, 100]) {
      const vectors = adversarial(n, d, 100 * n + d).map((v) => v.map((x) => (Math.abs(x) > 1e20 ? x * 1e-12 : x)));
      const out = new Float64Array(n * n + 3).fill(42);
      pairwiseSquaredDistances(vectors, out);
      for (let i = 0; i < n; i++) {
        expect(out[i * n + i]).toBe(0);
        for (let j = 0; j < n; j++) if (i !== j) expect(out[i * n + j]).toBe(bruteDistance(vectors[i], vectors[j]));
      }
      expect(Array.from(out.subarray(n * n))).toEqual([42, 42, 42]);
    }
  });

  it('the 8-lane order gives other bits than a sequential sum (so the test above can fail)', () => {
    const rng = Rng.fromSeed(77);
    // Magnitudes over many decades, so a different summation order would change low bits.
    const [a, b] = [0, 1].map(() => Float32Array.from({ length: 1000 }, () => rng.normal() * 10 ** rng.int(9)));
    const out = new Float64Array(4);
    pairwiseSquaredDistances([a, b], out);
    let sequential = 0;
    for (let c = 0; c < a.length; c++) sequential += (a[c] - b[c]) ** 2;
    expect(out[1]).not.toBe(sequential);
    expect(Math.abs(out[1] - sequential)).toBeLessThan(1e-12 * sequential);
  });

  it('rejects wrong shapes with errors naming the argument', () => {
    const v = (d: number) => new Float32Array(d);
    const shapeError = (f: () => void, message: string) => {
      expect(f).toThrow(StarlingError);
      expect(f).toThrow(message);
    };
    shapeError(() => coordinateMedian([], v(3)), 'coordinateMedian: vectors.length: expected at least 1, got 0');
    shapeError(
      () => coordinateMedian([v(3), v(2)], v(3)),
      'coordinateMedian: vectors[1].length: expected out.length = 3, got 2',
    );
    shapeError(
      () => trimmedMean([v(3), v(3)], 1, v(3)),
      'trimmedMean: trim: expected an integer with 0 ≤ 2·trim < n = 2',
    );
    shapeError(() => trimmedMean([v(3), v(3), v(3)], 0.5, v(3)), 'trimmedMean: trim');
    shapeError(() => trimmedMean([v(3)], -1, v(3)), 'trimmedMean: trim');
    shapeError(
      () => pairwiseSquaredDistances([v(4), v(5)], new Float64Array(4)),
      'pairwiseSquaredDistances: vectors[1].length: expected vectors[0].length = 4, got 5',
    );
    shapeError(
      () => pairwiseSquaredDistances([v(4), v(4)], new Float64Array(3)),
      'pairwiseSquaredDistances: out.length: expected at least n² = 4, got 3',
    );
  });

  it('is what robustKernelsOf gives for kernels without a robust member', () => {
    expect(robustKernelsOf(jsKernels)).toBe(jsRobustKernels);
    expect(robustKernelsOf()).toBe(jsRobustKernels);
    expect(robustKernelsOf({ robust: jsRobustKernels })).toBe(jsRobustKernels);
    expect(jsRobustKernels.backend).toBe('js');
  });
});
