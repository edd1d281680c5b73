import type { RobustKernels } from '@starling/core';

/**
 * The neighbours Krum sums over for n inputs and f assumed Byzantine: n − f − 2 (Blanchard et al. 2017),
 * clamped to [1, n − 1] so a round with fewer replies than 2f + 3 still picks (without the guarantee);
 * 0 for n = 1.
 */
export function krumNeighbours(n: number, f: number): number {
  if (n <= 1) return 0;
  return Math.min(n - 1, Math.max(1, n - f - 2));
}

/**
 * Krum's score of every input (Blanchard, El Mhamdi, Guerraoui, Stainer 2017, "Machine Learning with
 * Adversaries: Byzantine Tolerant Gradient Descent"): s(i) = Σ of the `krumNeighbours(n, f)` smallest
 * squared L2 distances from v_i to the other inputs, summed in float64 in ascending order. The distances
 * come from `RobustKernels.pairwiseSquaredDistances` (float64, same bits on every backend).
 * @returns n scores, in input order
 */
export function krumScores(vectors: readonly Float32Array[], f: number, robust: RobustKernels): Float64Array {
  const n = vectors.length;
  const d2 = new Float64Array(n * n);
  robust.pairwiseSquaredDistances(vectors, d2);
  const k = krumNeighbours(n, f);
  const scores = new Float64Array(n);
  const row = new Float64Array(n - 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let j = 0; j < n; j++) if (j !== i) row[c++] = d2[i * n + j];
    row.sort();
    let s = 0;
    for (let j = 0; j < k; j++) s += row[j];
    scores[i] = s;
  }
  return scores;
}

/**
 * The indices of the m lowest scores, in increasing score order; equal scores are taken in input order
 * (so the pick never depends on anything but the inputs' order, which is node-id order or the bucketing
 * permutation).
 */
export function lowestScores(scores: Float64Array, m: number): number[] {
  const idx = Array.from(scores, (_, i) => i);
  idx.sort((a, b) => scores[a] - scores[b] || a - b);
  return idx.slice(0, m);
}
