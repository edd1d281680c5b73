import { describe, expect, it } from 'vitest';
import { DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import { sampledGaussianRdp, sampledGaussianRdpCurve } from './sampled-gaussian-rdp.js';

/**
 * Independent reference: the Rényi divergence D_α((1−q)·N(0,σ²) + q·N(1,σ²) ‖ N(0,σ²)) written directly as
 * log ∫ φ_σ(z)·((1−q) + q·exp((2z − 1)/(2σ²)))^α dz / (α − 1) and integrated with the trapezoid rule,
 * which converges geometrically for smooth integrands that decay like a Gaussian.
 */
function rdpByQuadrature(q: number, sigma: number, alpha: number, pointsPerSigma: number): number {
  const lo = -25 * sigma;
  const hi = alpha + 25 * sigma + 1;
  const h = sigma / pointsPerSigma;
  const n = Math.ceil((hi - lo) / h);
  const f = (z: number) =>
    (Math.exp((-z * z) / (2 * sigma * sigma)) / (sigma * Math.sqrt(2 * Math.PI))) *
    (1 - q + q * Math.exp((2 * z - 1) / (2 * sigma * sigma))) ** alpha;
  let sum = 0.5 * (f(lo) + f(lo + n * h));
  for (let i = 1; i < n; i++) sum += f(lo + i * h);
  return Math.log(sum * h) / (alpha - 1);
}

describe('sampledGaussianRdp', () => {
  it.each([
    [0.04, 1.5],
    [0.3, 0.8],
    [0.001, 4],
    [0.9, 2],
  ])('at order 2 equals log(1 + q²(e^{1/σ²} − 1)) for q = %f, σ = %f', (q, sigma) => {
    const closedForm = Math.log1p(q * q * Math.expm1(1 / (sigma * sigma)));
    expect(Math.abs(sampledGaussianRdp(q, sigma, 2) - closedForm) / closedForm).toBeLessThan(1e-13);
  });

  it('at q = 1 is the Gaussian mechanism α/(2σ²), also at fractional orders', () => {
    for (const [sigma, alpha] of [
      [1.5, 2],
      [0.7, 3.3],
      [4, 63],
    ]) {
      expect(sampledGaussianRdp(1, sigma, alpha)).toBe(alpha / (2 * sigma * sigma));
    }
  });

  it('tends to α/(2σ²) as q → 1 through the series, at integer and fractional orders', () => {
    for (const alpha of [3, 3.5]) {
      const limit = alpha / (2 * 1.3 * 1.3);
      expect(sampledGaussianRdp(1 - 1e-9, 1.3, alpha)).toBeCloseTo(limit, 6);
    }
  });

  it('approaches α·q²/(2σ²) for very large σ at fractional orders, without NaN', () => {
    for (const [q, alpha] of [
      [0.1, 1.5],
      [0.9, 2.5],
      [0.5, 10.9],
    ]) {
      const small = (alpha * q * q) / (2 * 1e4 * 1e4);
      expect(Math.abs(sampledGaussianRdp(q, 1e4, alpha) - small) / small).toBeLessThan(1e-3);
    }
  });

  it('is 0 at q = 0 and infinite without noise', () => {
    expect(sampledGaussianRdp(0, 1, 2.5)).toBe(0);
    expect(sampledGaussianRdp(0.1, 0, 2.5)).toBe(Number.POSITIVE_INFINITY);
  });

  it('matches a direct trapezoid integration of the Rényi divergence at fractional orders', () => {
    const points: [number, number, number][] = [
      [0.04, 1.5, 3.9],
      [0.3, 0.9, 2.5],
      [0.5, 2, 1.5],
      [0.01, 0.7, 7.3],
    ];
    for (const [q, sigma, alpha] of points) {
      const reference = rdpByQuadrature(q, sigma, alpha, 40);
      // The reference has converged: halving the step changes it by far less than the tolerance.
      expect(Math.abs(rdpByQuadrature(q, sigma, alpha, 20) - reference) / reference).toBeLessThan(1e-12);
      expect(Math.abs(sampledGaussianRdp(q, sigma, alpha) - reference) / reference).toBeLessThan(1e-10);
    }
  });

  it('agrees between the fractional series and the integer expansion next to an integer order', () => {
    for (const [q, sigma, alpha] of [
      [0.04, 1.5, 3],
      [0.2, 0.6, 8],
      [0.7, 3, 2],
    ]) {
      const atInteger = sampledGaussianRdp(q, sigma, alpha);
      const justAbove = sampledGaussianRdp(q, sigma, alpha + 1e-9);
      expect(Math.abs(justAbove - atInteger) / atInteger).toBeLessThan(1e-7);
    }
  });

  it('lies between its neighbouring integer orders at fractional orders (RDP grows with α)', () => {
    for (const [q, sigma] of [
      [0.04, 1.5],
      [0.25, 0.8],
    ]) {
      for (let alpha = 2.1; alpha < 9; alpha += 0.7) {
        const below = sampledGaussianRdp(q, sigma, Math.floor(alpha));
        const above = sampledGaussianRdp(q, sigma, Math.ceil(alpha));
        const value = sampledGaussianRdp(q, sigma, alpha);
        expect(value).toBeGreaterThan(below);
        expect(value).toBeLessThan(above);
      }
    }
  });

  it('rejects parameters outside their domain', () => {
    expect(() => sampledGaussianRdp(1.5, 1, 2)).toThrow('sampleRate must be in [0, 1], got 1.5');
    expect(() => sampledGaussianRdp(0.1, -1, 2)).toThrow('noiseMultiplier');
    expect(() => sampledGaussianRdp(0.1, 1, 1)).toThrow('order must be a finite number > 1, got 1');
  });
});

describe('sampledGaussianRdpCurve', () => {
  it('composes T identical steps by adding their RDP at every order', () => {
    const one = sampledGaussianRdpCurve(DEFAULT_RDP_ORDERS, { noiseMultiplier: 1.1, sampleRate: 0.01 });
    const many = sampledGaussianRdpCurve(DEFAULT_RDP_ORDERS, { noiseMultiplier: 1.1, sampleRate: 0.01, steps: 500 });
    for (let k = 0; k < one.length; k++) expect(many[k]).toBeCloseTo(500 * one[k], 12);
  });

  it('is zero for zero steps even without noise', () => {
    const curve = sampledGaussianRdpCurve([2, 3.5], { noiseMultiplier: 0, sampleRate: 0.5, steps: 0 });
    expect([...curve]).toEqual([0, 0]);
  });
});
