import { summarizePartition } from '@starling/core';
import type { PartitionPlan, Spread } from './explanation.js';

/** min, median (the mean of the middle two for an even count) and max of `xs` (zeros when empty). */
export function spread(xs: readonly number[]): Spread {
  if (xs.length === 0) return { min: 0, median: 0, max: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { min: s[0], median, max: s[s.length - 1] };
}

/** The partition's sizes and label counts per client, from the example indices and the labels. */
export function partitionPlan(
  parts: readonly Int32Array[],
  labels: Int32Array | Float32Array,
  classes: number,
): PartitionPlan {
  const sizes = parts.map((p) => p.length);
  const distinct = parts.map((p) => {
    const seen = new Set<number>();
    for (let i = 0; i < p.length; i++) seen.add(labels[p[i]]);
    return classes > 0 ? seen.size : 0;
  });
  return {
    clients: parts.length,
    examples: { ...spread(sizes), total: sizes.reduce((a, b) => a + b, 0) },
    labels_per_client: spread(distinct),
    label_skew: summarizePartition(parts, labels, classes).labelSkew,
  };
}
