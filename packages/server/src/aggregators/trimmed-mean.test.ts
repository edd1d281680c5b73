import { describe, expect, it } from 'vitest';
import { cases, DIM, honestRange, mixed, sortedReference } from './fixtures/coordinate-attacks.js';
import { aggregateOnce, honestUpdates } from './fixtures/robust-inputs.js';
import { trimmedMeanAggregator } from './trimmed-mean.js';

describe('coordinate-wise trimmed mean', () => {
  it.each(cases)(
    'with n = %i, f = %i Byzantine and ⌊β·n⌋ ≥ f stays inside the honest range of every coordinate',
    (n, f) => {
      const beta = (f + 0.5) / n; // ⌊β·n⌋ = f, and β < 0.5 since f < n/2
      expect(Math.floor(beta * n)).toBe(f);
      for (let seed = 1; seed <= 5; seed++) {
        const { honest, vectors } = mixed(seed * 17 + n, n, f);
        const out = aggregateOnce(trimmedMeanAggregator(beta), vectors);
        const { lo, hi } = honestRange(honest);
        for (let i = 0; i < DIM; i++) {
          expect(out[i]).toBeGreaterThanOrEqual(lo[i]);
          expect(out[i]).toBeLessThanOrEqual(hi[i]);
        }
        const want = sortedReference(vectors, f);
        for (let i = 0; i < DIM; i++)
          expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i])));
      }
    },
  );

  it('trims ⌊β·n⌋ at each end: with one fewer than f trimmed, an attacker at 1e30 gets through', () => {
    const honest = honestUpdates(9, 8, DIM, 1);
    const vectors = [...honest, new Float32Array(DIM).fill(1e30), new Float32Array(DIM).fill(1e30)];
    expect(Math.max(...aggregateOnce(trimmedMeanAggregator(0.1), vectors))).toBeGreaterThan(1e28); // trims 1 of 2
    expect(Math.max(...aggregateOnce(trimmedMeanAggregator(0.2), vectors))).toBeLessThan(10); // trims 2
  });

  it('with β = 0 is the unweighted mean', () => {
    const vectors = honestUpdates(4, 7, DIM, 1);
    const out = aggregateOnce(trimmedMeanAggregator(0), vectors);
    const want = sortedReference(vectors, 0);
    for (let i = 0; i < DIM; i++)
      expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i])));
  });
});
