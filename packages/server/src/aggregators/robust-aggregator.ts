import type { AggregationContext, Aggregator, AggregatorState, AggregatorUpdate } from './aggregator.js';
import { bucketMeans } from './bucketing.js';

/**
 * A robust rule: reduces n ≥ 1 vectors of equal length, unweighted, into `out` (every entry written).
 * The vectors are read only; they may be the runtime's buffers.
 */
export type RobustRule = (vectors: readonly Float32Array[], out: Float32Array, ctx: AggregationContext) => void;

/** What {@link robustAggregator} builds an aggregator from. */
export interface RobustAggregatorParts {
  /** The table kind (`median`). */
  readonly kind: string;
  readonly rule: RobustRule;
  /** The bucket size of the pre-aggregation step, or undefined for none (see bucketing.ts). */
  readonly bucketing: number | undefined;
  /** Why client-level DP refuses this rule (`Aggregator.clientDpRefusal`). */
  readonly clientDpRefusal: string;
  /** Server state across rounds, for checkpoints (centered clipping). */
  readonly state?: () => AggregatorState;
  readonly load?: (state: AggregatorState) => void;
}

/**
 * The common shape of the robust aggregators: unweighted over the round's updates (the sample counts
 * and the capped weights p_k are ignored, since a Byzantine client could claim any count), quorum `plan`
 * (the round machine applies `minCompletion` first), optional bucketing before the rule, and no
 * client-DP sensitivity (see each kind's `clientDpRefusal` and docs/robustness.md).
 */
export function robustAggregator(parts: RobustAggregatorParts): Aggregator {
  const { kind, rule, bucketing } = parts;
  return {
    kind,
    quorum: 'plan',
    clientDpRefusal: parts.clientDpRefusal,
    aggregate(
      updates: readonly AggregatorUpdate[],
      _weights: Float64Array,
      out: Float32Array,
      ctx: AggregationContext,
    ) {
      if (updates.length === 0) return false;
      const deltas = updates.map((u) => u.delta);
      rule(bucketing === undefined ? deltas : bucketMeans(deltas, bucketing, ctx.rng, ctx.kernels), out, ctx);
      return true;
    },
    ...(parts.state && parts.load ? { state: parts.state, load: parts.load } : {}),
  };
}
