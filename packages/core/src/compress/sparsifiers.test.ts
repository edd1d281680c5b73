import { describe, expect, it } from 'vitest';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import { makeCompressor } from './make-compressor.js';
import { randomIndices } from './random-indices.js';

const layoutOf = (d: number) => makeLayout([{ name: 'v', shape: [d] }]);
const sqDist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
};
const normal = (d: number, seed: number) => {
  const x = new Float32Array(d);
  Rng.fromSeed(seed).fillNormal(x);
  return x;
};

describe('top-k', () => {
  it('keeps the k largest magnitudes, lower indices first among ties', () => {
    const c = makeCompressor({ kind: 'topk', count: 3 }, layoutOf(7));
    const x = Float32Array.of(1, -5, 2, 5, 0, -2, 3);
    const out = c.decompress(c.compress(x, { rng: Rng.fromSeed(1), round: 0 }).bytes);
    expect(Array.from(out)).toEqual([0, -5, 0, 5, 0, 0, 3]);
    const tied = Float32Array.of(2, -2, 2, 2, 1, 2, 0);
    const out2 = c.decompress(c.compress(tied, { rng: Rng.fromSeed(1), round: 0 }).bytes);
    expect(Array.from(out2)).toEqual([2, -2, 2, 0, 0, 0, 0]);
  });

  it('matches a sort-based reference and is a k-contraction on random vectors', () => {
    const d = 5000;
    for (const [seed, ratio] of [
      [1, 0.01],
      [2, 0.1],
      [3, 0.5],
    ] as const) {
      const x = normal(d, seed);
      const c = makeCompressor({ kind: 'topk', ratio }, layoutOf(d));
      const out = c.decompress(c.compress(x, { rng: Rng.fromSeed(0), round: 0 }).bytes);
      const k = Math.round(ratio * d);
      const order = Array.from(x.keys()).sort((a, b) => Math.abs(x[b]) - Math.abs(x[a]) || a - b);
      const expected = new Float32Array(d);
      for (const i of order.slice(0, k)) expected[i] = x[i];
      expect(out).toEqual(expected);
      expect(sqDist(x, out)).toBeLessThanOrEqual((1 - k / d) * sqDist(x, new Float32Array(d)));
    }
  });
});

describe('random-k', () => {
  it('regenerates k distinct sorted indices, each chosen with probability k/d', () => {
    const d = 40;
    const k = 6;
    const n = 8000;
    const counts = new Float64Array(d);
    const idx = new Int32Array(k);
    let sorted = true;
    for (let seed = 0; seed < n; seed++) {
      randomIndices(seed * 7919, d, k, idx);
      for (let j = 0; j < k; j++) {
        if (j > 0 && idx[j] <= idx[j - 1]) sorted = false;
        counts[idx[j]]++;
      }
    }
    expect(sorted).toBe(true);
    const p = k / d;
    const sd = Math.sqrt(n * p * (1 - p));
    for (const c of counts) expect(Math.abs(c - n * p)).toBeLessThan(5 * sd);
  });

  it('biased: E‖x − C(x)‖² = (1 − k/d)‖x‖² (the k-contraction bound, met with equality)', () => {
    const d = 50;
    const k = 5;
    const n = 4000;
    const x = normal(d, 9);
    const c = makeCompressor({ kind: 'randk', count: k }, layoutOf(d));
    const rng = Rng.fromSeed(10);
    const errs: number[] = [];
    let kept = true;
    for (let round = 0; round < n; round++) {
      const out = c.decompress(c.compress(x, { rng, round }).bytes);
      for (let i = 0; i < d; i++) if (out[i] !== 0 && out[i] !== x[i]) kept = false;
      errs.push(sqDist(x, out));
    }
    expect(kept).toBe(true);
    const mean = errs.reduce((a, b) => a + b, 0) / n;
    const se = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1) / n);
    const bound = (1 - k / d) * sqDist(x, new Float32Array(d));
    expect(Math.abs(mean - bound)).toBeLessThan(5 * se);
    expect(se).toBeLessThan(0.02 * bound);
  });

  it('unbiased: scaled by d/k, E[C(x)] = x and E‖C(x) − x‖² = (d/k − 1)‖x‖²', () => {
    const d = 20;
    const k = 5;
    const n = 8000;
    const x = normal(d, 11);
    const c = makeCompressor({ kind: 'randk', count: k, unbiased: true }, layoutOf(d));
    const rng = Rng.fromSeed(12);
    const sum = new Float64Array(d);
    let err = 0;
    for (let round = 0; round < n; round++) {
      const out = c.decompress(c.compress(x, { rng, round }).bytes);
      for (let i = 0; i < d; i++) sum[i] += out[i];
      err += sqDist(x, out);
    }
    const norm2 = sqDist(x, new Float32Array(d));
    // Per coordinate, C(x)_i is (d/k)x_i with probability k/d: variance (d/k − 1)x_i².
    for (let i = 0; i < d; i++) expect(Math.abs(sum[i] / n - x[i])).toBeLessThan(5 * Math.abs(x[i]) * Math.sqrt(3 / n));
    expect(Math.abs(err / n - (d / k - 1) * norm2)).toBeLessThan(0.05 * (d / k - 1) * norm2);
  });

  it('sends only k values: theoretical bits are 32k and the payload adds a 20-byte header', () => {
    const c = makeCompressor({ kind: 'randk', ratio: 0.01 }, layoutOf(10000));
    const { bytes, theoreticalBits } = c.compress(normal(10000, 1), { rng: Rng.fromSeed(1), round: 3 });
    expect(theoreticalBits).toBe(32 * 100);
    expect(bytes.length).toBe(20 + 4 * 100);
  });
});

describe('dropout', () => {
  it('sends all or nothing with probability p; unbiased scales by 1/p', () => {
    const d = 4;
    const x = Float32Array.of(1, -2, 3, 0.5);
    const p = 0.25;
    const c = makeCompressor({ kind: 'dropout', p, unbiased: true }, layoutOf(d));
    const rng = Rng.fromSeed(3);
    const n = 8000;
    let sent = 0;
    for (let round = 0; round < n; round++) {
      const { bytes, theoreticalBits } = c.compress(x, { rng, round });
      const out = c.decompress(bytes);
      if (theoreticalBits > 0) {
        sent++;
        expect(Array.from(out)).toEqual([4, -8, 12, 2]);
        expect(bytes.length).toBe(8 + 16);
      } else {
        expect(Array.from(out)).toEqual([0, 0, 0, 0]);
        expect(bytes.length).toBe(8);
      }
    }
    expect(Math.abs(sent / n - p)).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  });
});

describe('scaled sign', () => {
  it('maps (1, −2, 3, −4) to (2.5, −2.5, 2.5, −2.5)', () => {
    const c = makeCompressor({ kind: 'sign' }, layoutOf(4));
    const { bytes, theoreticalBits } = c.compress(Float32Array.of(1, -2, 3, -4), { rng: Rng.fromSeed(0), round: 0 });
    expect(Array.from(c.decompress(bytes))).toEqual([2.5, -2.5, 2.5, -2.5]);
    expect(theoreticalBits).toBe(32 + 4);
    expect(bytes[12]).toBe(0b1010);
  });

  it('treats zeros as positive and packs 1 bit per entry', () => {
    const d = 19;
    const x = normal(d, 4);
    x[5] = 0;
    const c = makeCompressor({ kind: 'sign' }, layoutOf(d));
    const { bytes } = c.compress(x, { rng: Rng.fromSeed(0), round: 0 });
    expect(bytes.length).toBe(12 + 3);
    const out = c.decompress(bytes);
    const scale = Math.fround(x.reduce((a, b) => a + Math.abs(b), 0) / d);
    for (let i = 0; i < d; i++) expect(out[i]).toBe(x[i] < 0 ? -scale : scale);
  });
});
