import type { Kernels } from '@starling/core';

/** One term of a gossip average: node `node`'s value with its receive weight W_ij. */
export interface MixTerm {
  readonly node: number;
  readonly weight: number;
  readonly value: Float32Array;
}

/**
 * The gossip average out = Σ_j W_ij v_j over `terms` (the peer's own value included), summed in
 * node-id order so that arrival order never changes a bit. With `renormalize` (some neighbour was left
 * out of the round) the weights present are divided by their sum, self weight included, so the result
 * is still a convex combination: out = Σ_{j∈S} W_ij v_j / Σ_{j∈S} W_ij. `out` must not alias a value.
 */
export function mix(kernels: Kernels, terms: readonly MixTerm[], renormalize: boolean, out: Float32Array): void {
  const sorted = [...terms].sort((a, b) => a.node - b.node);
  let total = 0;
  for (const t of sorted) total += t.weight;
  const weights = sorted.map((t) => (renormalize ? t.weight / total : t.weight));
  kernels.weightedSum(
    weights,
    sorted.map((t) => t.value),
    out,
  );
}
