import { describe, expect, it } from 'vitest';
import { alieZ, normalQuantile } from './normal-quantile.js';

/** Φ(x) by the complementary error function's continued fraction is not in JS: integrate the density instead. */
function phi(x: number): number {
  // Simpson's rule on [−12, x] with 20,000 panels: error far below 1e-10 for |x| ≤ 8.
  const a = -12;
  const n = 20_000;
  const h = (x - a) / n;
  const f = (t: number) => Math.exp(-0.5 * t * t) / Math.sqrt(2 * Math.PI);
  let s = f(a) + f(x);
  for (let i = 1; i < n; i++) s += (i % 2 === 1 ? 4 : 2) * f(a + i * h);
  return (s * h) / 3;
}

describe('normalQuantile (AS 241)', () => {
  it('matches published quantiles', () => {
    expect(normalQuantile(0.5)).toBe(0);
    expect(normalQuantile(0.975)).toBeCloseTo(1.959963984540054, 14);
    expect(normalQuantile(0.025)).toBeCloseTo(-1.959963984540054, 14);
    expect(normalQuantile(0.8413447460685429)).toBeCloseTo(1, 12);
    expect(normalQuantile(1e-10)).toBeCloseTo(-6.361340902404056, 12);
  });

  it('inverts the normal CDF computed by quadrature, in all three branches', () => {
    for (const p of [0.001, 0.01, 0.2, 0.31, 0.69, 0.9, 0.999, 1e-7]) {
      expect(phi(normalQuantile(p))).toBeCloseTo(p, 9);
    }
  });

  it('is infinite at 0 and 1 and NaN outside', () => {
    expect(normalQuantile(0)).toBe(Number.NEGATIVE_INFINITY);
    expect(normalQuantile(1)).toBe(Number.POSITIVE_INFINITY);
    expect(normalQuantile(1.5)).toBeNaN();
  });
});

describe('alieZ (Baruch et al. 2019)', () => {
  it('is Φ⁻¹((n − s)/n) with s = ⌊n/2 + 1⌋ − f', () => {
    // n = 100, f = 20: s = 51 − 20 = 31, z = Φ⁻¹(0.69) ≈ 0.4959
    expect(alieZ(100, 20)).toBeCloseTo(0.49585034734745354, 12);
    // n = 50, f = 24 (the paper's CIFAR setting): s = 2, z = Φ⁻¹(0.96) ≈ 1.7507
    expect(alieZ(50, 24)).toBeCloseTo(1.7506860712521692, 12);
  });
});
