import type { UpdatePrivacy } from '../privacy/client-dp.js';
import type { DpSgdOptions } from '../privacy/dp-sgd-options.js';

/** Anything that turns a gradient into a parameter update and keeps its own state. */
export interface StepOptimizer {
  step(params: Float32Array, grad: Float32Array): void;
  /**
   * Optional: `step` reading `params` and writing the result to `out` (`params` untouched), the bits of
   * `out.set(params)` then `step(out, grad)`. Lets local training skip copying the global model.
   */
  stepInto?(params: Float32Array, grad: Float32Array, out: Float32Array): void;
  /**
   * Optional: when it can (else null, having touched nothing), one `step` fused with the update and its
   * finite scan: `delta ← step(params) − base`, `params` untouched; returns the first index of a NaN/±Inf
   * entry of `delta`, or −1. The bits of `step(params, grad)`, `sub(params, base, delta)`; with `sink`, then
   * `accumulate(sink.weight, delta, sink.acc)`.
   */
  stepDelta?(
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array | null,
    sink?: DeltaSink,
  ): number | null;
}

/** What one node does with the global model in one round. */
export interface LocalPlan {
  /** Passes over the node's local examples (E in McMahan et al. 2017). */
  readonly epochs: number;
  /** Minibatch size B; null means the whole local data set in one batch (FedSGD). */
  readonly batchSize: number | null;
  /** Optional cap on optimizer steps per round (e.g. 1 for FedSGD). */
  readonly maxSteps?: number;
  /**
   * FedProx's μ > 0 (Li et al. 2020): every local step adds μ·(x_local − x_global) to the gradient, the
   * gradient of μ/2·‖x_local − x_global‖². Absent: plain local training.
   */
  readonly proximalMu?: number;
  /**
   * FedNova (Wang et al. 2020): the node sends its normalized update d = Δ / τ (τ = local steps taken,
   * reported as `LocalResult.steps`) instead of Δ. Absent or false: Δ as is.
   */
  readonly normalizeBySteps?: boolean;
}

/** What a node reports after local training. */
export interface LocalResult {
  /** Mean training loss over the examples it stepped on this round. */
  readonly trainLoss: number;
  /** Its number of local examples n_k (the FedAvg weight). */
  readonly samples: number;
  /** τ: local optimizer steps actually taken this round (FedNova's normalizer). */
  readonly steps: number;
  /**
   * True when the trainer already scanned the update as written and every entry is finite (a runtime
   * may then skip its own NaN/Inf scan); absent: not scanned.
   */
  readonly finite?: boolean;
  /**
   * True when the update was also added, as written, into the `DeltaSink` the trainer was given
   * (`acc += weight·Δ`, float64); absent: nothing was added (no sink, an optimizer without the fused
   * step, DP-SGD, or Δ rewritten after the step: FedNova, update privacy, an attack).
   */
  readonly added?: boolean;
  /**
   * True when the update was added into a sink that allowed it (`DeltaSink.discard`) and not written to
   * `delta`, which then holds stale values: a runtime that needs Δ after all trains the client again.
   */
  readonly discarded?: boolean;
}

/**
 * Where a trainer may add its client's weighted update while it writes it: the round's float64
 * accumulator of the streaming mean (`acc += weight·Δ`), when this client is the next one in the
 * stream's order. `acc` has the model's length.
 */
export interface DeltaSink {
  readonly acc: Float64Array;
  /** The client's weight p_i in the round's mean. */
  readonly weight: number;
  /**
   * Δ need not be written, only added (the runtime can rebuild it by training the client again): on
   * kernels with `sgdDeltaAcc` the pass then writes nothing to `delta` (`LocalResult.discarded`).
   */
  readonly discard?: boolean;
}

/**
 * A sink, or a function asked for one right before the pass that writes Δ (a pool thread learns only then
 * whether its client is the next in order); undefined from it: nothing is added.
 */
export type DeltaSinkSource = DeltaSink | (() => DeltaSink | undefined);

/**
 * The privacy a node applies itself: sample-level DP-SGD inside local training, and/or clipping (and,
 * for local DP, noising) of the round's update before it leaves the node. Empty: plain training.
 */
export interface NodePrivacy {
  readonly dpSgd?: DpSgdOptions;
  readonly update?: UpdatePrivacy;
}
