import type { Kernels, Rng } from '@starling/core';
import { z } from 'zod';

/**
 * `bucketing: s` on a robust aggregator: the bucket size s ≥ 1 (absent: no bucketing). s = 1 only
 * shuffles, which no permutation-invariant rule notices.
 */
export const bucketingOption = z.number().int().min(1).optional();

/**
 * Bucketing (Karimireddy, He, Jaggi 2022, "Byzantine-Robust Learning on Heterogeneous Datasets via
 * Bucketing", Algorithm 1): shuffles the n updates with a seeded permutation, splits them into
 * ⌈n/s⌉ buckets of s consecutive updates (the last one smaller when s does not divide n) and returns
 * each bucket's unweighted mean, which the robust rule then aggregates. Averaging s updates shrinks the
 * spread between honest inputs on non-IID data by about √s, while a Byzantine update spoils at most one
 * bucket, so a rule tolerating f spoiled inputs out of ⌈n/s⌉ still applies (with s·f < n/2 for the
 * mean-based guarantees of the paper).
 * @param deltas the updates, each of the model's length (read only)
 * @param s the bucket size, an integer ≥ 1
 * @param rng the round's stream; the permutation is drawn from `rng.fork('bucketing')`
 * @param kernels each bucket mean is one `weightedSum` with weights 1/|bucket|, in shuffled order
 * @returns ⌈n/s⌉ new vectors (the inputs themselves, shuffled, when s = 1)
 */
export function bucketMeans(deltas: readonly Float32Array[], s: number, rng: Rng, kernels: Kernels): Float32Array[] {
  const order = rng.fork('bucketing').permutation(deltas.length);
  const shuffled = Array.from(order, (i) => deltas[i]);
  if (s === 1) return shuffled;
  const out: Float32Array[] = [];
  for (let start = 0; start < shuffled.length; start += s) {
    const bucket = shuffled.slice(start, start + s);
    const mean = new Float32Array(deltas[0].length);
    kernels.weightedSum(new Float64Array(bucket.length).fill(1 / bucket.length), bucket, mean);
    out.push(mean);
  }
  return out;
}
