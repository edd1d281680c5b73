import { describe, expect, it } from 'vitest';
import { Rng } from '../../rng/rng.js';
import { sampleDirichlet, sampleGamma, sampleLogGamma } from './gamma.js';

describe('sampleGamma (Marsaglia–Tsang)', () => {
  it.each([0.3, 1, 4.5])('has mean and variance equal to the shape %s', (shape) => {
    const rng = Rng.fromSeed(21);
    const n = 40_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const g = sampleGamma(shape, rng);
      sum += g;
      sq += g * g;
    }
    const mean = sum / n;
    const variance = sq / n - mean * mean;
    // Standard error of the mean is √(shape/n); of the variance roughly √(2·shape² + 6·shape)/√n.
    expect(Math.abs(mean - shape)).toBeLessThan(5 * Math.sqrt(shape / n));
    expect(Math.abs(variance - shape) / shape).toBeLessThan(0.06);
  });

  it('matches the Gamma(2) distribution function 1 − (1 + t)e^−t at t = 1, 2, 4', () => {
    const rng = Rng.fromSeed(4);
    const draws = Float64Array.from({ length: 20_000 }, () => sampleGamma(2, rng));
    for (const t of [1, 2, 4]) {
      const cdf = 1 - (1 + t) * Math.exp(-t);
      const empirical = draws.filter((g) => g <= t).length / draws.length;
      expect(Math.abs(empirical - cdf)).toBeLessThan(0.015);
    }
  });

  it('stays finite in log space for tiny shapes where the draw underflows', () => {
    const rng = Rng.fromSeed(1);
    const logs = Array.from({ length: 100 }, () => sampleLogGamma(0.001, rng));
    expect(logs.every(Number.isFinite)).toBe(true);
    expect(Math.min(...logs)).toBeLessThan(-745); // below the smallest double
  });

  it('rejects a non-positive shape', () => {
    expect(() => sampleGamma(0, Rng.fromSeed(1))).toThrow(/gamma shape must be a positive finite number, got 0/);
  });
});

describe('sampleDirichlet', () => {
  it('gives proportions summing to 1 with mean 1/k and variance (k−1)/(k²(kα+1))', () => {
    const rng = Rng.fromSeed(8);
    const k = 4;
    const alpha = 0.5;
    const n = 20_000;
    let sum0 = 0;
    let sq0 = 0;
    for (let i = 0; i < n; i++) {
      const p = sampleDirichlet(alpha, k, rng);
      expect(Math.abs(p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
      sum0 += p[0];
      sq0 += p[0] * p[0];
    }
    const mean = sum0 / n;
    const variance = sq0 / n - mean * mean;
    expect(mean).toBeCloseTo(0.25, 2);
    expect(variance).toBeCloseTo((k - 1) / (k * k * (k * alpha + 1)), 2);
  });

  it('never divides 0 by 0 for alpha = 0.001', () => {
    const p = sampleDirichlet(0.001, 50, Rng.fromSeed(3));
    expect(p.every(Number.isFinite)).toBe(true);
    expect(Math.max(...p)).toBeGreaterThan(0.5);
  });
});
