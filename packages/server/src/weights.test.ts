import { describe, expect, it } from 'vitest';
import { cappedWeights } from './weights.js';

describe('cappedWeights', () => {
  it('weights by sample count when no cap binds', () => {
    expect(Array.from(cappedWeights([1, 3]))).toEqual([0.25, 0.75]);
  });

  it('caps one dominant client and spreads the excess in proportion', () => {
    const w = cappedWeights([80, 10, 10], 0.5);
    expect(w[0]).toBeCloseTo(0.5, 12);
    expect(w[1]).toBeCloseTo(0.25, 12);
    expect(w[2]).toBeCloseTo(0.25, 12);
  });

  it('sums to one and respects the cap on skewed counts', () => {
    const counts = [500, 300, 100, 50, 25, 10, 5, 5, 3, 2];
    const w = cappedWeights(counts, 0.2);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    for (const x of w) expect(x).toBeLessThanOrEqual(0.2 + 1e-12);
  });

  it('rejects a cap outside (0, 1]', () => {
    expect(() => cappedWeights([1, 2], 1.5)).toThrow('algorithm.maxClientWeight must be in (0, 1], got 1.5');
  });
});
