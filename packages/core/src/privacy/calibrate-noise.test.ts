import { describe, expect, it } from 'vitest';
import { calibrateNoiseMultiplier, epsilonFloor, epsilonForNoiseMultiplier } from './calibrate-noise.js';
import { DEFAULT_RDP_ORDERS } from './rdp-orders.js';

describe('calibrateNoiseMultiplier', () => {
  it.each([
    [1, 0.004, 15000],
    [3, 0.004, 15000],
    [8, 0.01, 3000],
    [2, 0.1, 100],
  ])('round-trips target ε = %f (q = %f, T = %i): ε(σ) ≤ target and within 1e-3', (targetEpsilon, q, steps) => {
    const plan = { delta: 1e-5, sampleRate: q, steps };
    const sigma = calibrateNoiseMultiplier({ targetEpsilon, ...plan });
    const { epsilon } = epsilonForNoiseMultiplier(sigma, plan);
    expect(epsilon).toBeLessThanOrEqual(targetEpsilon);
    expect((targetEpsilon - epsilon) / targetEpsilon).toBeLessThan(1e-3);
    // Minimal: 0.01% less noise would overshoot.
    expect(epsilonForNoiseMultiplier(sigma * (1 - 1e-4), plan).epsilon).toBeGreaterThan(targetEpsilon);
  });

  it("recovers σ = 1.5 from Opacus' known answer ε = 7.32911117143", () => {
    const sigma = calibrateNoiseMultiplier({
      targetEpsilon: 7.32911117143,
      delta: 1e-5,
      sampleRate: 0.04,
      steps: 2250,
    });
    expect(sigma).toBeCloseTo(1.5, 6);
  });

  it('honours the classic conversion, which needs more noise for the same target', () => {
    const plan = { targetEpsilon: 2, delta: 1e-5, sampleRate: 0.02, steps: 500 };
    const improved = calibrateNoiseMultiplier(plan);
    const classic = calibrateNoiseMultiplier({ ...plan, conversion: 'classic' });
    expect(classic).toBeGreaterThan(improved);
    expect(epsilonForNoiseMultiplier(classic, { ...plan, conversion: 'classic' }).epsilon).toBeLessThanOrEqual(2);
  });

  it('refuses a target at or below the smallest epsilon the conversion can certify', () => {
    const floor = epsilonFloor(1e-5, DEFAULT_RDP_ORDERS, 'improved');
    expect(floor).toBeGreaterThan(0.1);
    expect(floor).toBeLessThan(0.11);
    expect(() => calibrateNoiseMultiplier({ targetEpsilon: 0.1, delta: 1e-5, sampleRate: 0.01, steps: 10 })).toThrow(
      /targetEpsilon must be above 0\.10\d+, the smallest epsilon certifiable at delta 0\.00001, got 0\.1/,
    );
  });

  it('rejects arguments outside their domain', () => {
    const ok = { targetEpsilon: 1, delta: 1e-5, sampleRate: 0.01, steps: 100 };
    expect(() => calibrateNoiseMultiplier({ ...ok, sampleRate: 0 })).toThrow('sampleRate must be in (0, 1], got 0');
    expect(() => calibrateNoiseMultiplier({ ...ok, steps: 0 })).toThrow('steps must be a positive integer, got 0');
    expect(() => calibrateNoiseMultiplier({ ...ok, targetEpsilon: -1 })).toThrow('targetEpsilon');
  });
});
