import { describe, expect, it } from 'vitest';
import { Rng } from '../rng/rng.js';
import { checkDistribution, type Distribution, drawFrom, meanOf } from './distribution.js';

const N = 200_000;

/** N sorted draws of `d` from one seeded stream. */
function draws(d: Distribution, seed = 7): Float64Array {
  const rng = Rng.fromSeed(seed).fork('test');
  return Float64Array.from({ length: N }, () => drawFrom(d, rng)).sort();
}
const mean = (xs: Float64Array) => xs.reduce((s, x) => s + x, 0) / xs.length;
const quantile = (xs: Float64Array, q: number) => xs[Math.floor(q * (xs.length - 1))];

describe('systems distributions against closed forms', () => {
  it('lognormal: median m, mean m·exp(σ²/2), quantile m·exp(σ·z_q), with σ the std of ln X (not its variance)', () => {
    const d: Distribution = { kind: 'lognormal', median: 0.002, sigma: 0.5 };
    const xs = draws(d);
    // A sigma taken as a variance would give mean m·exp(0.125²/2)... and q90 m·exp(0.25·1.28): far off these.
    expect(quantile(xs, 0.5) / 0.002).toBeCloseTo(1, 2);
    expect(mean(xs) / (0.002 * Math.exp(0.125))).toBeCloseTo(1, 2);
    expect(meanOf(d)).toBeCloseTo(0.002 * Math.exp(0.125), 12);
    expect(quantile(xs, 0.9) / (0.002 * Math.exp(0.5 * 1.2815515655))).toBeCloseTo(1, 2);
    expect(quantile(xs, 0.1) / (0.002 * Math.exp(-0.5 * 1.2815515655))).toBeCloseTo(1, 2);
  });

  it('pareto: X ≥ scale, quantile scale·(1−q)^(−1/shape), mean shape·scale/(shape−1)', () => {
    const d: Distribution = { kind: 'pareto', scale: 1e6, shape: 3 };
    const xs = draws(d);
    expect(xs[0]).toBeGreaterThanOrEqual(1e6);
    for (const q of [0.25, 0.5, 0.9, 0.99]) {
      expect(quantile(xs, q) / (1e6 * (1 - q) ** (-1 / 3))).toBeCloseTo(1, 1);
    }
    // shape 3: finite variance, so the sample mean settles (std error ≈ 0.2 %).
    expect(mean(xs) / 1.5e6).toBeCloseTo(1, 2);
    expect(meanOf({ kind: 'pareto', scale: 1, shape: 1 })).toBe(Number.POSITIVE_INFINITY);
  });

  it('tiers: each value with its probability; uniform and constant', () => {
    const xs = draws({
      kind: 'tiers',
      tiers: [
        { value: 1, p: 0.5 },
        { value: 2, p: 0.3 },
        { value: 5, p: 0.2 },
      ],
    });
    const share = (v: number) => xs.filter((x) => x === v).length / N;
    expect(share(1)).toBeCloseTo(0.5, 2);
    expect(share(2)).toBeCloseTo(0.3, 2);
    expect(share(5)).toBeCloseTo(0.2, 2);
    const u = draws({ kind: 'uniform', low: 2, high: 4 });
    expect(mean(u)).toBeCloseTo(3, 2);
    expect(u[0]).toBeGreaterThanOrEqual(2);
    expect(drawFrom({ kind: 'constant', value: 0.5 }, Rng.fromSeed(1))).toBe(0.5);
  });

  it('the same seed draws the same values and another seed others', () => {
    const d: Distribution = { kind: 'lognormal', median: 1, sigma: 1 };
    const first = (seed: number) => {
      const rng = Rng.fromSeed(seed);
      return Array.from({ length: 5 }, () => drawFrom(d, rng));
    };
    expect(first(3)).toEqual(first(3));
    expect(first(4)).not.toEqual(first(3));
  });

  it('refuses bad parameters naming the option path', () => {
    const tiers: Distribution = {
      kind: 'tiers',
      tiers: [
        { value: 1, p: 0.5 },
        { value: 2, p: 0.4 },
      ],
    };
    expect(() => checkDistribution(tiers, 'systems.localWork.epochs')).toThrow(
      /systems\.localWork\.epochs\.tiers must be probabilities p that sum to 1, got 0\.9/,
    );
    expect(() => checkDistribution({ kind: 'pareto', scale: 0, shape: 1 }, 'systems.compute.seconds')).toThrow(
      /systems\.compute\.seconds\.scale must be/,
    );
  });
});
