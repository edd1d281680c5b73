import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { bucketMeans } from './bucketing.js';
import { aggregateOnce, contextFor, honestUpdates, plainMean } from './fixtures/robust-inputs.js';
import { medianAggregator } from './median.js';

describe('bucketing', () => {
  it.each([
    [10, 2],
    [10, 3],
    [7, 7],
    [5, 8],
  ])('n = %i, s = %i: the means of ⌈n/s⌉ buckets of the seeded permutation, the last one smaller', (n, s) => {
    const vectors = honestUpdates(n + s, n, 11, 1);
    const rng = Rng.fromSeed(9);
    const got = bucketMeans(vectors, s, rng, jsKernels);
    const order = Array.from(Rng.fromSeed(9).fork('bucketing').permutation(n));
    expect(got).toHaveLength(Math.ceil(n / s));
    got.forEach((mean, b) => {
      const want = plainMean(order.slice(b * s, (b + 1) * s).map((i) => vectors[i]));
      for (let i = 0; i < 11; i++)
        expect(Math.abs(mean[i] - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i])));
    });
  });

  it('with s = 1 returns the inputs themselves in the permuted order', () => {
    const vectors = honestUpdates(1, 6, 5, 1);
    const got = bucketMeans(vectors, 1, Rng.fromSeed(2), jsKernels);
    const order = Array.from(Rng.fromSeed(2).fork('bucketing').permutation(6));
    expect(got).toEqual(order.map((i) => vectors[i]));
    expect(got[0]).toBe(vectors[order[0]]);
  });

  it('a rule with bucketing aggregates the bucket means: median ∘ bucketing equals the median of bucketMeans', () => {
    const vectors = honestUpdates(3, 12, 9, 1);
    const ctx = contextFor(4, 2);
    const buckets = bucketMeans(vectors, 3, contextFor(4, 2).rng, jsKernels);
    expect(Array.from(aggregateOnce(medianAggregator(3), vectors, ctx))).toEqual(
      Array.from(aggregateOnce(medianAggregator(), buckets)),
    );
  });
});
