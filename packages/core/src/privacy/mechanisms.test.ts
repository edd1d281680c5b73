import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { analyticGaussianSigma, gaussianDelta } from './analytic-gaussian.js';
import { gaussianMechanism, gaussianSigma } from './gaussian-mechanism.js';
import { laplaceMechanism, laplaceScale } from './laplace-mechanism.js';

function moments(v: ArrayLike<number>, center: number): { mean: number; variance: number; meanAbs: number } {
  let mean = 0;
  let meanAbs = 0;
  for (let i = 0; i < v.length; i++) {
    mean += v[i];
    meanAbs += Math.abs(v[i] - center);
  }
  mean /= v.length;
  let variance = 0;
  for (let i = 0; i < v.length; i++) variance += (v[i] - mean) ** 2;
  return { mean, variance: variance / (v.length - 1), meanAbs: meanAbs / v.length };
}

describe('Laplace mechanism', () => {
  it('uses scale b = Δ₁/ε', () => {
    expect(laplaceScale({ sensitivity: 2, epsilon: 0.5 })).toBe(4);
    expect(() => laplaceScale({ sensitivity: 0, epsilon: 1 })).toThrow('sensitivity must be a finite number > 0');
    expect(() => laplaceScale({ sensitivity: 1, epsilon: 0 })).toThrow('epsilon must be a finite number > 0, got 0');
  });

  it('adds noise with variance 2b² and mean absolute deviation b to every coordinate', () => {
    const n = 200_000;
    const b = 4;
    const out = laplaceMechanism(new Float32Array(n).fill(10), { sensitivity: 2, epsilon: 0.5 }, Rng.fromSeed(5));
    const { mean, variance, meanAbs } = moments(out, 10);
    // Standard errors: variance √(20/n)·b² ≈ 0.16, mean |x| b/√n ≈ 0.009, mean √(2/n)·b ≈ 0.013.
    expect(Math.abs(variance - 2 * b * b)).toBeLessThan(1);
    expect(Math.abs(meanAbs - b)).toBeLessThan(0.05);
    expect(Math.abs(mean - 10)).toBeLessThan(0.07);
  });

  it('releases numbers too, and does not modify a vector argument', () => {
    const input = Float32Array.of(1, 2, 3);
    const out = laplaceMechanism(input, { sensitivity: 1, epsilon: 1 }, Rng.fromSeed(2));
    expect(input).toEqual(Float32Array.of(1, 2, 3));
    expect(out).not.toEqual(input);
    expect(typeof laplaceMechanism(3, { sensitivity: 1, epsilon: 1 }, Rng.fromSeed(2))).toBe('number');
  });
});

describe('Gaussian mechanism', () => {
  it('uses the classic σ = Δ₂·√(2 ln(1.25/δ))/ε for ε < 1 and refuses ε ≥ 1 there', () => {
    const sigma = gaussianSigma({ sensitivity: 3, epsilon: 0.5, delta: 1e-5 });
    expect(sigma).toBeCloseTo((3 * Math.sqrt(2 * Math.log(125000))) / 0.5, 12);
    expect(() => gaussianSigma({ sensitivity: 1, epsilon: 1, delta: 1e-5 })).toThrow(
      'epsilon must be in (0, 1) for the classic Gaussian calibration',
    );
    expect(() => gaussianSigma({ sensitivity: 1, epsilon: 0.5, delta: 1 })).toThrow('delta must be in (0, 1), got 1');
  });

  it('adds noise with standard deviation σ (σ ≈ 29 here, so σ² would be caught)', () => {
    const options = { sensitivity: 3, epsilon: 0.5, delta: 1e-5 };
    const sigma = gaussianSigma(options);
    const out = gaussianMechanism(new Float32Array(100_000), options, Rng.fromSeed(8));
    const { mean, variance } = moments(out, 0);
    expect(Math.abs(Math.sqrt(variance) - sigma) / sigma).toBeLessThan(0.015);
    expect(Math.abs(mean)).toBeLessThan((5 * sigma) / Math.sqrt(100_000));
  });

  it('finds the analytic σ: δ(σ) ≤ target, minimal, and below the classic σ', () => {
    for (const [epsilon, delta] of [
      [0.5, 1e-5],
      [0.9, 1e-8],
      [3, 1e-6],
    ]) {
      const sigma = analyticGaussianSigma({ sensitivity: 2, epsilon, delta });
      expect(gaussianDelta(sigma / 2, epsilon)).toBeLessThanOrEqual(delta);
      expect(gaussianDelta((sigma / 2) * (1 - 1e-6), epsilon)).toBeGreaterThan(delta);
      if (epsilon < 1) expect(sigma).toBeLessThan(gaussianSigma({ sensitivity: 2, epsilon, delta }));
    }
    expect(gaussianSigma({ sensitivity: 1, epsilon: 2, delta: 1e-5, calibration: 'analytic' })).toBeGreaterThan(0);
  });

  it('gives the δ of a direct Simpson integration of the hockey-stick divergence at the analytic σ', () => {
    const [epsilon, delta, sensitivity] = [1, 1e-5, 1];
    const sigma = analyticGaussianSigma({ sensitivity, epsilon, delta });
    // δ = ∫ max(0, p(x) − e^ε·q(x)) dx with p = N(Δ, σ²), q = N(0, σ²); p > e^ε q exactly for x > x*.
    const density = (x: number, mu: number) => Math.exp(-((x - mu) ** 2) / (2 * sigma * sigma));
    const xStar = sensitivity / 2 + (epsilon * sigma * sigma) / sensitivity;
    const n = 200_000;
    const h = (40 * sigma) / n;
    let sum = 0;
    for (let i = 0; i <= n; i++) {
      const x = xStar + i * h;
      const w = i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2;
      sum += w * (density(x, sensitivity) - Math.exp(epsilon) * density(x, 0));
    }
    const integral = (sum * h) / 3 / (sigma * Math.sqrt(2 * Math.PI));
    expect(Math.abs(integral - delta) / delta).toBeLessThan(1e-6);
  });
});
