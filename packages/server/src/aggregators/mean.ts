import type { Kernels } from '@starling/core';
import { z } from 'zod';
import type { AggregateStream, AggregationContext, Aggregator, AggregatorUpdate } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';

/**
 * The weighted mean of FedAvg (McMahan, Moore, Ramage, Hampson, Agüera y Arcas 2017, "Communication-
 * Efficient Learning of Deep Networks from Decentralized Data"): out = Σ_k p_k Δ_k with the capped
 * sample weights p_k, reduced by `kernels.weightedSum` in node-id order (so arrival order never changes
 * a bit). Quorum `plan`: the round machine applies `minCompletion` before calling it. Called with unit
 * weights it writes the plain sum Σ_k Δ_k, which is what `withClientDp` relies on (`unit-sum`).
 */
export function meanAggregator(): Aggregator {
  // The streaming form's float64 accumulator, kept across rounds (one round streams at a time).
  let acc: Float64Array | null = null;
  return {
    kind: 'mean',
    quorum: 'plan',
    clientSensitivity: 'unit-sum',
    aggregate(updates: readonly AggregatorUpdate[], weights: Float64Array, out: Float32Array, ctx: AggregationContext) {
      if (updates.length === 0) return false;
      ctx.kernels.weightedSum(
        weights,
        updates.map((u) => u.delta),
        out,
      );
      return true;
    },
    // Σ_k p_k Δ_k added one Δ at a time with `kernels.accumulate`, which does weightedSum's per-entry
    // operation: from zero, in node-id order, then one rounding to float32 gives weightedSum's bits.
    stream(kernels: Kernels, size: number): AggregateStream | null {
      const add = kernels.accumulate?.bind(kernels);
      if (!add) return null;
      if (acc?.length !== size) acc = new Float64Array(size);
      const sum = acc;
      // Zeroed at the first add, not at the open: a round whose sum the pool threads make (a pre-reduced
      // stream, threads and processes) never adds here, and the open is on the round's serial path.
      let zeroed = false;
      const zero = () => {
        if (!zeroed) sum.fill(0);
        zeroed = true;
      };
      return {
        add: (delta, weight) => {
          zero();
          add(weight, delta, sum);
        },
        finish: (out) => {
          zero();
          out.set(sum);
        },
      };
    },
  };
}

/** `{ kind: mean }`: no options. */
export const meanSchema = z.object({ kind: z.literal('mean') }).strict();

/** The `mean` row of the aggregator table. */
export const MEAN_KIND: AggregatorKind<z.infer<typeof meanSchema>> = {
  kind: 'mean',
  summary: 'sample-weighted mean of the updates (FedAvg), weights capped by algorithm.maxClientWeight',
  schema: meanSchema,
  create: () => meanAggregator(),
};
