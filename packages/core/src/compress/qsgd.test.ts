import { describe, expect, it } from 'vitest';
import { makeLayout } from '../layout.js';
import { Rng } from '../rng/rng.js';
import { makeCompressor } from './make-compressor.js';

const layoutOf = (d: number) => makeLayout([{ name: 'v', shape: [d] }]);

/** Exact E‖Q(v) − v‖² = (‖v‖²/s²)·Σ p_i(1 − p_i), p_i = frac(s|v_i|/‖v‖) (Alistarh et al. 2017, Lemma 3.1 proof). */
function exactVariance(v: readonly number[], s: number): number {
  const sq = v.reduce((a, b) => a + b * b, 0);
  const norm = Math.sqrt(sq);
  let sum = 0;
  for (const x of v) {
    const r = (s * Math.abs(x)) / norm;
    const p = r - Math.floor(r);
    sum += p * (1 - p);
  }
  return (sq / (s * s)) * sum;
}

/** Draws N quantizations of v (rounds 0..N−1 of one stream) and returns them as rows. */
function sample(v: readonly number[], s: number, n: number): Float32Array[] {
  const c = makeCompressor({ kind: 'qsgd', levels: s }, layoutOf(v.length));
  const rng = Rng.fromSeed(2017);
  const x = Float32Array.from(v);
  const rows: Float32Array[] = [];
  for (let round = 0; round < n; round++) rows.push(c.decompress(c.compress(x, { rng, round }).bytes));
  return rows;
}

describe('qsgd', () => {
  it('has the exact variance from the paper for v = (3, 4)', () => {
    expect(exactVariance([3, 4], 1)).toBeCloseTo(10, 12);
    expect(exactVariance([3, 4], 2)).toBeCloseTo(2.5, 12);
    expect(exactVariance([3, 4], 4)).toBeCloseTo(0.625, 12);
  });

  it.each([
    [1, 10.0],
    [2, 2.5],
    [4, 0.625],
  ])('with s = %i, the Monte Carlo E‖Q(v) − v‖² for v = (3, 4) is %f within 5 standard errors', (s, exact) => {
    const n = 20000;
    const errs = sample([3, 4], s, n).map((q) => (q[0] - 3) ** 2 + (q[1] - 4) ** 2);
    const mean = errs.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(errs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
    const se = sd / Math.sqrt(n);
    // The tolerance is tight enough to tell the variance from the standard deviation or a factor s.
    expect(se).toBeLessThan(0.01 * exact);
    expect(Math.abs(mean - exact)).toBeLessThan(5 * se);
  });

  it('is unbiased: the Monte Carlo mean is within 5 standard errors of v, and deterministic rounding is not', () => {
    const v = [3, -4, 0.5, 0, 1e-3, 2.25, -0.7];
    const s = 2;
    const n = 20000;
    const rows = sample(v, s, n);
    const norm = Math.hypot(...v);
    for (let i = 0; i < v.length; i++) {
      const mean = rows.reduce((a, q) => a + q[i], 0) / n;
      const r = (s * Math.abs(v[i])) / norm;
      const p = r - Math.floor(r);
      const bound = 5 * (norm / s) * Math.sqrt((p * (1 - p)) / n) + 1e-6 * norm;
      expect(Math.abs(mean - v[i])).toBeLessThan(bound);
    }
    // Negative check: round-to-nearest level (a biased QSGD variant) fails the same bound.
    const failures = v.filter((x, i) => {
      const r = (s * Math.abs(x)) / norm;
      const p = r - Math.floor(r);
      const biased = Math.sign(x) * Math.round(r) * (norm / s);
      return Math.abs(biased - v[i]) >= 5 * (norm / s) * Math.sqrt((p * (1 - p)) / n) + 1e-6 * norm;
    });
    expect(failures.length).toBeGreaterThan(0);
  });

  it('outputs ±‖v‖·l/s with l one of the two levels around s|v_i|/‖v‖', () => {
    const rng = Rng.fromSeed(5);
    const x = new Float32Array(1000);
    rng.fillNormal(x);
    const s = 16;
    const c = makeCompressor({ kind: 'qsgd', levels: s }, layoutOf(x.length));
    const { bytes, theoreticalBits } = c.compress(x, { rng, round: 0 });
    const q = c.decompress(bytes);
    const norm = new DataView(bytes.buffer).getFloat32(8, true);
    expect(norm).toBeCloseTo(Math.hypot(...x), 3);
    for (let i = 0; i < x.length; i++) {
      const r = (s * Math.abs(x[i])) / norm;
      const level = Math.round((Math.abs(q[i]) * s) / norm);
      expect(q[i]).toBe(Math.fround(Math.sign(x[i]) * level * (norm / s)) + 0);
      expect(level === Math.floor(r) || level === Math.ceil(r)).toBe(true);
    }
    // 32 norm bits + d·(1 + ⌈log2 17⌉) = 32 + 6d; the payload adds the 8-byte header and u32 s.
    expect(theoreticalBits).toBe(32 + 6 * x.length);
    expect(bytes.length).toBe(16 + Math.ceil((6 * x.length) / 8));
  });

  it('sends a zero vector as zero codes', () => {
    const c = makeCompressor({ kind: 'qsgd', levels: 4 }, layoutOf(5));
    const out = c.decompress(c.compress(new Float32Array(5), { rng: Rng.fromSeed(1), round: 0 }).bytes);
    expect(Array.from(out)).toEqual([0, 0, 0, 0, 0]);
  });

  it('sends an entry that carries the whole norm exactly, at level s', () => {
    const c = makeCompressor({ kind: 'qsgd', levels: 3 }, layoutOf(3));
    const x = Float32Array.of(0, 0.1, 0);
    const out = c.decompress(c.compress(x, { rng: Rng.fromSeed(1), round: 0 }).bytes);
    expect(out[1]).toBe(x[1]);
  });
});
