import { jsRobustKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { aggregateOnce, distance, honestUpdates, plainMean } from './fixtures/robust-inputs.js';
import { krumAggregator } from './krum.js';
import { krumNeighbours, krumScores } from './krum-scores.js';
import { multiKrumAggregator, multiKrumCount } from './multi-krum.js';

const DIM = 24;

/** Brute force: score(i) = Σ of the n − f − 2 smallest squared distances from v_i to every other input. */
function bruteScores(vectors: readonly Float32Array[], f: number): number[] {
  return vectors.map((v, i) => {
    const d = vectors.filter((_, j) => j !== i).map((w) => distance(v, w) ** 2);
    return d
      .sort((a, b) => a - b)
      .slice(0, vectors.length - f - 2)
      .reduce((a, x) => a + x, 0);
  });
}

/** n − f honest updates and f sign-flipped ones (−scale × the honest mean), interleaved by a seeded shuffle. */
function signFlipRound(seed: number, n: number, f: number, scale: number) {
  const honest = honestUpdates(seed, n - f, DIM, 0.3);
  const flipped = Float32Array.from(plainMean(honest), (v) => -scale * v);
  const all = [...honest, ...Array.from({ length: f }, () => flipped.slice())];
  const order = Array.from(Rng.fromSeed(seed).fork('order').permutation(n));
  return { honest, vectors: order.map((i) => all[i]), isHonest: order.map((i) => i < n - f) };
}

describe('Krum scores', () => {
  it.each([
    [5, 1],
    [7, 2],
    [12, 4],
  ])('equal a brute-force computation (n = %i, f = %i)', (n, f) => {
    const vectors = honestUpdates(n, n, DIM, 2);
    const got = Array.from(krumScores(vectors, f, jsRobustKernels));
    const want = bruteScores(vectors, f);
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i], 9);
  });

  it('clamps the neighbour count when a round has fewer than 2f + 3 replies', () => {
    expect([krumNeighbours(1, 3), krumNeighbours(2, 3), krumNeighbours(5, 3), krumNeighbours(9, 3)]).toEqual([
      0, 1, 1, 4,
    ]);
    expect([multiKrumCount(10, 3, undefined), multiKrumCount(10, 3, 4), multiKrumCount(3, 5, undefined)]).toEqual([
      7, 4, 1,
    ]);
  });
});

describe('Krum under sign flip', () => {
  // f < (n − 2)/2, i.e. n ≥ 2f + 3: Blanchard et al.'s condition.
  const cases = [
    [5, 1],
    [7, 2],
    [11, 4],
    [20, 8],
    [31, 14],
  ] as const;
  it.each(cases)('selects an honest update (n = %i, f = %i), for scales 1, 10 and 1e6', (n, f) => {
    for (const scale of [1, 10, 1e6]) {
      for (let seed = 1; seed <= 4; seed++) {
        const { vectors, isHonest } = signFlipRound(seed * 7 + n, n, f, scale);
        const out = aggregateOnce(krumAggregator(f), vectors);
        const pick = vectors.findIndex((v) => v.every((x, i) => x === out[i]));
        expect(pick).toBeGreaterThanOrEqual(0);
        expect(isHonest[pick]).toBe(true);
        // The pick is the brute-force argmin.
        const scores = bruteScores(vectors, f);
        expect(scores[pick]).toBeCloseTo(Math.min(...scores), 6);
      }
    }
  });

  it.each(cases)('Multi-Krum averages only honest updates (n = %i, f = %i)', (n, f) => {
    const { honest, vectors } = signFlipRound(n, n, f, 10);
    const out = aggregateOnce(multiKrumAggregator(f), vectors);
    // m = n − f: every honest update is picked, so the result is the honest mean.
    const want = plainMean(honest);
    for (let i = 0; i < DIM; i++)
      expect(Math.abs(out[i] - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i])));
  });

  it('with m = 1 Multi-Krum is Krum, and with f = 0 and m = n the unweighted mean', () => {
    const vectors = honestUpdates(5, 9, DIM, 1);
    expect(Array.from(aggregateOnce(multiKrumAggregator(2, 1), vectors))).toEqual(
      Array.from(aggregateOnce(krumAggregator(2), vectors)),
    );
    const all = aggregateOnce(multiKrumAggregator(0), vectors);
    const want = plainMean(vectors);
    for (let i = 0; i < DIM; i++)
      expect(Math.abs(all[i] - want[i])).toBeLessThanOrEqual(1e-6 * (1 + Math.abs(want[i])));
  });

  it('fails beyond its bound: a majority of identical Byzantine updates is picked', () => {
    const { vectors, isHonest } = signFlipRound(3, 7, 4, 10);
    const out = aggregateOnce(krumAggregator(4), vectors);
    expect(isHonest[vectors.findIndex((v) => v.every((x, i) => x === out[i]))]).toBe(false);
  });
});
