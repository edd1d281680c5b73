import { describe, expect, it } from 'vitest';
import { cases, DIM, honestRange, mixed, sortedReference } from './fixtures/coordinate-attacks.js';
import { aggregateOnce, honestUpdates } from './fixtures/robust-inputs.js';
import { medianAggregator } from './median.js';

describe('coordinate-wise median', () => {
  it.each(cases)('with n = %i and f = %i < n/2 Byzantine stays inside the honest range of every coordinate', (n, f) => {
    for (let seed = 1; seed <= 5; seed++) {
      const { honest, vectors } = mixed(seed * 31 + n, n, f);
      const out = aggregateOnce(medianAggregator(), vectors);
      const { lo, hi } = honestRange(honest);
      for (let i = 0; i < DIM; i++) {
        expect(out[i]).toBeGreaterThanOrEqual(lo[i]);
        expect(out[i]).toBeLessThanOrEqual(hi[i]);
      }
      expect(Array.from(out)).toEqual(Array.from(sortedReference(vectors, 'median')));
    }
  });

  it('breaks at f = n/2: half the inputs at 1e30 pull an even-n median to 5e29', () => {
    const honest = honestUpdates(3, 4, DIM, 1);
    const out = aggregateOnce(medianAggregator(), [
      ...honest,
      ...Array.from({ length: 4 }, () => new Float32Array(DIM).fill(1e30)),
    ]);
    for (const v of out) expect(v).toBeGreaterThan(1e29);
  });
});
