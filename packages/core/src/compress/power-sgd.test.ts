import { describe, expect, it } from 'vitest';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import { makeCompressor } from './make-compressor.js';
import { powerSgdFloats } from './power-sgd.js';

/** A rank-r n×m matrix A·Bᵀ (row-major) with Gaussian factors. */
function lowRank(n: number, m: number, r: number, seed: number): Float32Array {
  const rng = Rng.fromSeed(seed);
  const a = Array.from({ length: n * r }, () => rng.normal());
  const b = Array.from({ length: m * r }, () => rng.normal());
  const out = new Float32Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += a[i * r + k] * b[j * r + k];
      out[i * m + j] = s;
    }
  }
  return out;
}

const relErr = (a: Float32Array, b: Float32Array) => {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] ** 2;
  }
  return Math.sqrt(num / den);
};

describe('powersgd', () => {
  const layout = makeLayout([
    { name: 'w0', shape: [30, 20] },
    { name: 'b0', shape: [20] },
    { name: 'w1', shape: [20, 10] },
  ]);

  it('sends (n + m)·r floats per n×m matrix and vectors raw', () => {
    const rank = 2;
    expect(powerSgdFloats(layout, rank)).toBe((30 + 20) * 2 + 20 + (20 + 10) * 2);
    const c = makeCompressor({ kind: 'powersgd', rank }, layout);
    const x = new Float32Array(layout.size);
    Rng.fromSeed(1).fillNormal(x);
    const { bytes, theoreticalBits } = c.compress(x, { rng: Rng.fromSeed(2), round: 0 });
    expect(theoreticalBits).toBe(32 * 180);
    expect(bytes.length).toBe(16 + 4 * 180);
    const out = c.decompress(bytes);
    expect(out.subarray(600, 620)).toEqual(x.subarray(600, 620));
  });

  it('caps the rank at min(n, m)', () => {
    const small = makeLayout([{ name: 'w', shape: [5, 3] }]);
    expect(powerSgdFloats(small, 4)).toBe((5 + 3) * 3);
  });

  it('recovers a rank-r matrix exactly after a few warm-started steps', () => {
    const n = 40;
    const m = 30;
    const r = 3;
    const single = makeLayout([{ name: 'w', shape: [n, m] }]);
    const target = lowRank(n, m, r, 7);
    const c = makeCompressor({ kind: 'powersgd', rank: r }, single);
    const rng = Rng.fromSeed(8);
    // A generic start Q makes span(M·Q) the column space of M, so even the first step is exact.
    for (let round = 0; round < 3; round++) {
      expect(relErr(c.decompress(c.compress(target, { rng, round }).bytes), target)).toBeLessThan(1e-5);
    }
    let err = 1;
    // One rank short, the same steps cannot reach it.
    const short = makeCompressor({ kind: 'powersgd', rank: r - 1 }, single);
    for (let round = 0; round < 3; round++)
      err = relErr(short.decompress(short.compress(target, { rng, round }).bytes), target);
    expect(err).toBeGreaterThan(1e-2);
  });

  it('matches a float64 reference of one power-iteration step from the same Gaussian start', () => {
    const n = 6;
    const m = 4;
    const r = 2;
    const single = makeLayout([{ name: 'w', shape: [n, m] }]);
    const x = new Float32Array(n * m);
    Rng.fromSeed(3).fillNormal(x);
    const rng = Rng.fromSeed(4);
    const out = makeCompressor({ kind: 'powersgd', rank: r }, single).decompress(
      makeCompressor({ kind: 'powersgd', rank: r }, single).compress(x, { rng, round: 5 }).bytes,
    );
    // The start Q (m×r) is drawn column by column from the compressor's fork of the stream.
    const draw = rng.fork('compress:powersgd', 5);
    const q = new Float64Array(m * r);
    for (let j = 0; j < r; j++) for (let i = 0; i < m; i++) q[i * r + j] = draw.normal();
    const p = new Float64Array(n * r);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < r; j++) for (let k = 0; k < m; k++) p[i * r + j] += x[i * m + k] * q[k * r + j];
    for (let j = 0; j < r; j++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += p[i * r + j] * p[i * r + k];
        for (let i = 0; i < n; i++) p[i * r + j] -= dot * p[i * r + k];
      }
      const norm = Math.sqrt(Array.from({ length: n }, (_, i) => p[i * r + j] ** 2).reduce((a, b) => a + b));
      for (let i = 0; i < n; i++) p[i * r + j] /= norm;
    }
    const expected = new Float32Array(n * m);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < m; k++) {
        // (P̂ P̂ᵀ M)[i, k] = P̂·Qᵀ with Q = Mᵀ P̂.
        let s = 0;
        for (let j = 0; j < r; j++) {
          let qkj = 0;
          for (let l = 0; l < n; l++) qkj += x[l * m + k] * p[l * r + j];
          s += p[i * r + j] * qkj;
        }
        expected[i * m + k] = s;
      }
    }
    expect(relErr(out, expected)).toBeLessThan(1e-5);
  });

  it('checkpoints its warm start: a restored compressor emits the same bytes', () => {
    const x = new Float32Array(layout.size);
    Rng.fromSeed(1).fillNormal(x);
    const rng = Rng.fromSeed(9);
    const a = makeCompressor({ kind: 'powersgd', rank: 2 }, layout);
    a.compress(x, { rng, round: 0 });
    const saved = a.state();
    expect(Object.keys(saved).sort()).toEqual(['powersgd.q.w0', 'powersgd.q.w1']);
    const b = makeCompressor({ kind: 'powersgd', rank: 2 }, layout);
    b.load(saved);
    expect(b.compress(x, { rng, round: 1 }).bytes).toEqual(a.compress(x, { rng, round: 1 }).bytes);
    expect(() => b.load({ 'powersgd.q.w0': new Float32Array(3) })).toThrow(/powersgd.q.w0 has 3 entries, expected 40/);
  });
});
