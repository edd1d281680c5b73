import type { Kernels, Rng } from '@starling/core';

/** One reply of a round as an aggregator sees it. */
export interface AggregatorUpdate {
  /** The node id (updates arrive in increasing id order). */
  readonly node: number;
  /** n_k ≥ 0: the examples the node trained on this round. */
  readonly samples: number;
  /**
   * Δ_k = x_local − x_global, length = model size, every entry finite (the round machine checked).
   * Read only: the buffer may belong to the runtime (an inline node reuses it next round).
   */
  readonly delta: Float32Array;
  /**
   * τ_k: the local optimizer steps the node reported (FedNova's and SCAFFOLD's normalizer); absent when
   * the runtime did not say (unit tests feeding the machine directly).
   */
  readonly steps?: number;
}

/** What an aggregator may use besides the updates; built by the round machine for every close. */
export interface AggregationContext {
  /** The round being closed. */
  readonly round: number;
  /** The nodes selected for the round, in increasing id order (replied or not). */
  readonly selected: readonly number[];
  /** The run's kernels: every reduction goes through them so each backend keeps its own bits. */
  readonly kernels: Kernels;
  /** This round's stream for randomized aggregators: the machine's `fork('aggregate', round)`. */
  readonly rng: Rng;
}

/**
 * When the round machine calls an aggregator.
 * - `plan`: only when at least one update arrived and the replies reach `RoundPlan.minCompletion` of the
 *   selected nodes; otherwise the round closes with `aggregated: false` and the aggregator is not called.
 * - `own`: at every close, also with no replies or nobody selected; the aggregator applies its own
 *   rule (client-level DP must release noise for an empty round and has its own shortfall policy).
 */
export type AggregatorQuorum = 'plan' | 'own';

/**
 * How one client's update can move an aggregator's output, which is what `withClientDp` needs.
 * - `unit-sum`: called with unit weights the aggregator writes Σ_k Δ_k, so adding or removing one
 *   client whose update has L2 norm ≤ S moves the output by at most S (the weighted mean).
 * Absent on an aggregator: no bound is known, and `withClientDp` refuses it.
 */
export type ClientSensitivity = 'unit-sum';

/**
 * Server state an aggregator carries from round to round (centered clipping's center), by name, as
 * copies; what a checkpoint stores so that a resumed run continues on the same bits. `null`: not set yet.
 */
export type AggregatorState = { readonly [name: string]: Float32Array | null };

/**
 * An aggregator's reduction fed one update at a time, in increasing node-id order, with weights fixed
 * before the first: the round machine adds each update as soon as every lower-id reply is in, so the
 * reduction overlaps the training of later nodes instead of running after the last reply.
 */
export interface AggregateStream {
  /** Adds the next update in node-id order with its weight p_k (read only; not kept). */
  add(delta: Float32Array, weight: number): void;
  /** Writes the aggregate of the updates added so far into `out` (every entry). */
  finish(out: Float32Array): void;
}

/**
 * Turns a round's updates into the pseudo-gradient the server optimizer applies (the `aggregate`
 * of Flower's strategies; McMahan et al. 2017 for the weighted mean). Data-shaped and free of I/O:
 * the same inputs give the same bits in every runtime.
 */
export interface Aggregator {
  /** The table kind (`mean`), or a decorated name such as `client-dp(mean)`. */
  readonly kind: string;
  readonly quorum: AggregatorQuorum;
  readonly clientSensitivity?: ClientSensitivity;
  /**
   * Why client-level DP cannot wrap this aggregator (set when `clientSensitivity` is absent): one clause
   * that `withClientDp` puts into its config error (`the coordinate-wise median is not a sum ...`).
   */
  readonly clientDpRefusal?: string;
  /** The state kept across rounds, as copies (absent: the aggregator is stateless). */
  state?(): AggregatorState;
  /** Restores a state from {@link Aggregator.state} (before the first round of a resumed run). */
  load?(state: AggregatorState): void;
  /**
   * Writes the round's aggregate into `out` and returns true, or returns false to release nothing:
   * the model is left unchanged and the round is reported with `aggregated: false` (a refusal, e.g. a
   * DP shortfall skipped or a budget exhausted). `out` must be fully written when returning true.
   * @param updates the replies in increasing node-id order (may be empty only with quorum `own`)
   * @param weights p_k per update, Σ p_k = 1, after `RoundPlan.maxClientWeight` capping (`cappedWeights`)
   * @param out a Float32Array of the model's size, reused across rounds (holds stale values on entry)
   */
  aggregate(
    updates: readonly AggregatorUpdate[],
    weights: Float64Array,
    out: Float32Array,
    ctx: AggregationContext,
  ): boolean;
  /**
   * Optional streaming form, started at a round's open: fed every update of the round in node-id order
   * with the weights `aggregate` would get, its `finish` must write exactly the bits `aggregate` writes
   * (returning true). Null when it cannot promise that (e.g. kernels without `accumulate`); the round
   * machine then calls `aggregate` at the close. Only used when every selected node replies with the
   * sample count it was expected to report; otherwise the machine falls back to `aggregate`.
   * @param size the model's length
   */
  stream?(kernels: Kernels, size: number): AggregateStream | null;
}
