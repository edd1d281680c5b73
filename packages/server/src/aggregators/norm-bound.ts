import { z } from 'zod';
import type { AggregationContext, Aggregator, AggregatorUpdate } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';

/**
 * Norm bounding (Sun, Kairouz, Suresh, McMahan 2019, "Can You Really Backdoor Federated Learning?"): every
 * update is scaled to L2 norm ≤ b, then the sample-weighted mean of FedAvg is taken:
 *     out = Σ_k p_k · min(1, b/‖Δ_k‖₂) · Δ_k,
 * one `kernels.weightedSum` with weights p_k·min(1, b/‖Δ_k‖) (norms from `kernels.sumSquares`). When no
 * update exceeds b the weights are exactly the mean's, and so are the bits. It bounds what one update can
 * do (by p_k·b) rather than rejecting it, and keeps the capped weights p_k. With unit weights it writes
 * Σ_k clip_b(Δ_k), in which one client's term has norm ≤ b, and ≤ S after `withClientDp` clipped the
 * update to S: sensitivity `unit-sum`, so client-level DP composes with the mean's noise (docs/robustness.md).
 * @param bound b > 0, in the updates' L2 units
 */
export function normBoundAggregator(bound: number): Aggregator {
  return {
    kind: 'norm_bound',
    quorum: 'plan',
    clientSensitivity: 'unit-sum',
    aggregate(updates: readonly AggregatorUpdate[], weights: Float64Array, out: Float32Array, ctx: AggregationContext) {
      if (updates.length === 0) return false;
      const scaled = Float64Array.from(updates, (u, k) => {
        const norm = Math.sqrt(ctx.kernels.sumSquares(u.delta));
        return norm > bound ? weights[k] * (bound / norm) : weights[k];
      });
      ctx.kernels.weightedSum(
        scaled,
        updates.map((u) => u.delta),
        out,
      );
      return true;
    },
  };
}

/** `{ kind: norm_bound, bound }`: bound is required. No bucketing: the bound already acts on each update. */
export const normBoundSchema = z
  .object({ kind: z.literal('norm_bound'), bound: z.number().positive().finite() })
  .strict();

/** The `norm_bound` row of the aggregator table. */
export const NORM_BOUND_KIND: AggregatorKind<z.infer<typeof normBoundSchema>> = {
  kind: 'norm_bound',
  summary: 'scales each update to L2 norm ≤ bound, then the sample-weighted mean (Sun et al. 2019)',
  schema: normBoundSchema,
  create: ({ bound }) => normBoundAggregator(bound),
};
