import { errors } from '@starling/core';

/**
 * Normalized aggregation weights p_k = n_k / Σ n_k, with no single update claiming more than `cap`
 * (water-filling: clamp the largest to `cap`, spread the excess over the rest in proportion, repeat).
 * Invariants: Σ p_k = 1, every p_k ≤ cap when cap·K ≥ 1 (otherwise uniform 1/K), order preserved.
 * @param counts sample counts n_k ≥ 0 (all zero gives uniform weights)
 * @param cap the largest share one update may claim, in (0, 1]
 */
export function cappedWeights(counts: readonly number[], cap = 1): Float64Array {
  const k = counts.length;
  const p = new Float64Array(k);
  if (k === 0) return p;
  if (!(cap > 0 && cap <= 1)) throw errors.option('algorithm.maxClientWeight', 'in (0, 1]', cap);
  const total = counts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < k; i++) p[i] = total > 0 ? counts[i] / total : 1 / k;
  if (cap * k <= 1) return p.fill(1 / k);
  const clamped = new Uint8Array(k);
  for (;;) {
    let excess = 0;
    let freeMass = 0;
    for (let i = 0; i < k; i++) {
      if (!clamped[i] && p[i] > cap) {
        excess += p[i] - cap;
        p[i] = cap;
        clamped[i] = 1;
      }
    }
    if (excess === 0) return p;
    for (let i = 0; i < k; i++) if (!clamped[i]) freeMass += p[i];
    for (let i = 0; i < k; i++) {
      if (!clamped[i])
        p[i] += freeMass > 0 ? (excess * p[i]) / freeMass : excess / (k - clamped.reduce((a, b) => a + b, 0));
    }
  }
}
