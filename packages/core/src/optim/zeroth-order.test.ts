import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { estimateGradient } from './zeroth-order.js';

// f(x) = ½ Σ a_i x_i² + Σ b_i x_i in d = 8, gradient a_i x_i + b_i.
const d = 8;
const a = Array.from({ length: d }, (_, i) => 0.5 + i);
const b = Array.from({ length: d }, (_, i) => (i % 2 === 0 ? 1 : -2));
const f = (x: Float32Array) => {
  let s = 0;
  for (let i = 0; i < d; i++) s += 0.5 * a[i] * x[i] * x[i] + b[i] * x[i];
  return s;
};
const x = Float32Array.from({ length: d }, (_, i) => Math.cos(i));
const trueGrad = Array.from(x, (xi, i) => a[i] * xi + b[i]);
const norm = (v: ArrayLike<number>) => Math.sqrt(Array.from(v).reduce((s, vi) => s + vi * vi, 0));

describe('estimateGradient (two-point, random directions)', () => {
  it('averages to the true gradient of a quadratic over many seeded draws', () => {
    const rng = Rng.fromSeed(2024);
    const draws = 2000;
    const mean = new Float64Array(d);
    const g = new Float32Array(d);
    for (let k = 0; k < draws; k++) {
      estimateGradient(f, x, g, { directions: 4, mu: 1e-2 }, rng.fork('zo', k));
      for (let i = 0; i < d; i++) mean[i] += g[i] / draws;
    }
    const err = norm(mean.map((m, i) => m - trueGrad[i])) / norm(trueGrad);
    // Std of the mean ≈ √(d/(M·draws)) ≈ 0.032 relative; a missing factor d would give 1 − 1/8 = 0.875.
    expect(err).toBeLessThan(0.1);
  });

  it('with one direction returns d·(uᵀ∇f)·u: parallel to a unit direction and scaled by d', () => {
    const g = new Float32Array(d);
    estimateGradient(f, x, g, { directions: 1, mu: 1e-3 }, Rng.fromSeed(3));
    const u = Array.from(g, (gi) => gi / norm(g));
    const slope = u.reduce((s, ui, i) => s + ui * trueGrad[i], 0);
    // g = d·slope·u exactly for a quadratic (central differences have no curvature error).
    expect(Math.abs(norm(g) - d * Math.abs(slope))).toBeLessThan(1e-3 * norm(g));
  });

  it('is reproducible for a fixed seed and differs across seeds', () => {
    const run = (seed: number) => {
      const g = new Float32Array(d);
      const fMean = estimateGradient(f, x, g, { directions: 3, mu: 0.1 }, Rng.fromSeed(seed));
      return { g: Array.from(g), fMean };
    };
    expect(run(11)).toEqual(run(11));
    expect(run(12).g).not.toEqual(run(11).g);
  });

  it('evaluates f 2M times, leaves x alone and returns the mean of the values', () => {
    let calls = 0;
    const counted = (p: Float32Array) => {
      calls++;
      return f(p);
    };
    const before = Array.from(x);
    const fMean = estimateGradient(counted, x, new Float32Array(d), { directions: 5, mu: 1e-3 }, Rng.fromSeed(1));
    expect(calls).toBe(10);
    expect(Array.from(x)).toEqual(before);
    expect(fMean).toBeCloseTo(f(x), 4);
  });

  it('rejects bad options', () => {
    const out = new Float32Array(d);
    const rng = Rng.fromSeed(0);
    expect(() => estimateGradient(f, x, out, { directions: 0, mu: 0.1 }, rng)).toThrow(
      'zerothOrder.directions must be a positive integer, got 0',
    );
    expect(() => estimateGradient(f, x, out, { directions: 2, mu: -1 }, rng)).toThrow(
      'zerothOrder.mu must be a positive number, got -1',
    );
    expect(() => estimateGradient(f, x, new Float32Array(3), { directions: 2, mu: 1 }, rng)).toThrow(
      'zeroth-order gradient length: expected 8, got 3',
    );
  });
});
