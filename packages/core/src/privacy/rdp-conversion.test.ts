import { describe, expect, it } from 'vitest';
import { epsilonAtOrder, rdpToEpsilon } from './rdp-conversion.js';
import { DEFAULT_RDP_ORDERS } from './rdp-orders.js';
import { sampledGaussianRdpCurve } from './sampled-gaussian-rdp.js';

describe('DEFAULT_RDP_ORDERS', () => {
  it('holds 1.1, 1.2, …, 10.9 and 12, …, 63', () => {
    expect(DEFAULT_RDP_ORDERS).toHaveLength(99 + 52);
    expect(DEFAULT_RDP_ORDERS.slice(0, 3)).toEqual([1.1, 1.2, 1.3]);
    expect(DEFAULT_RDP_ORDERS[98]).toBe(10.9);
    expect(DEFAULT_RDP_ORDERS.slice(99, 101)).toEqual([12, 13]);
    expect(DEFAULT_RDP_ORDERS[150]).toBe(63);
  });
});

describe('rdpToEpsilon', () => {
  it("reproduces Opacus' known answer: q = 0.04, σ = 1.5, 2250 steps, δ = 1e-5 gives ε = 7.32911117143", () => {
    const rdp = sampledGaussianRdpCurve(DEFAULT_RDP_ORDERS, { noiseMultiplier: 1.5, sampleRate: 0.04, steps: 2250 });
    const { epsilon, order } = rdpToEpsilon(DEFAULT_RDP_ORDERS, rdp, 1e-5);
    expect(Math.abs(epsilon - 7.32911117143) / 7.32911117143).toBeLessThan(1e-6);
    expect(order).toBe(3.9);
  });

  it('applies Theorem 21 of Balle et al. 2020 and the classic bound at a single order', () => {
    const [rdp, alpha, delta] = [0.8, 5, 1e-5];
    expect(epsilonAtOrder(rdp, alpha, delta, 'improved')).toBeCloseTo(
      rdp + Math.log(4 / 5) - (Math.log(delta) + Math.log(5)) / 4,
      14,
    );
    expect(epsilonAtOrder(rdp, alpha, delta, 'classic')).toBeCloseTo(rdp + Math.log(1e5) / 4, 14);
  });

  it('gives a smaller epsilon with the improved conversion than with the classic one', () => {
    const rdp = sampledGaussianRdpCurve(DEFAULT_RDP_ORDERS, { noiseMultiplier: 1, sampleRate: 0.01, steps: 1000 });
    const improved = rdpToEpsilon(DEFAULT_RDP_ORDERS, rdp, 1e-5, 'improved').epsilon;
    const classic = rdpToEpsilon(DEFAULT_RDP_ORDERS, rdp, 1e-5, 'classic').epsilon;
    expect(improved).toBeLessThan(classic);
  });

  it('picks the order that minimizes epsilon', () => {
    const orders = [2, 4, 8];
    const rdp = [0.1, 0.4, 5];
    const eps = orders.map((a, k) => epsilonAtOrder(rdp[k], a, 1e-6, 'classic'));
    const { epsilon, order } = rdpToEpsilon(orders, rdp, 1e-6, 'classic');
    expect(epsilon).toBe(Math.min(...eps));
    expect(order).toBe(orders[eps.indexOf(epsilon)]);
  });

  it('reports no loss for an all-zero curve and an infinite epsilon for an infinite one', () => {
    expect(rdpToEpsilon([2, 3], [0, 0], 1e-5)).toEqual({ epsilon: 0, order: null });
    const inf = Number.POSITIVE_INFINITY;
    expect(rdpToEpsilon([2, 3], [inf, inf], 1e-5)).toEqual({ epsilon: inf, order: null });
  });

  it('rejects a delta outside (0, 1) and an unknown conversion', () => {
    expect(() => rdpToEpsilon([2], [1], 0)).toThrow('delta must be in (0, 1), got 0');
    // @ts-expect-error: testing a value a JavaScript caller could pass
    expect(() => rdpToEpsilon([2], [1], 1e-5, 'tight')).toThrow('conversion must be one of improved, classic');
  });
});
