import type { RoundGate } from '@starling/core';
import type { Aggregator } from './aggregators/aggregator.js';
import type { PreReducedSum } from './round-stream.js';

/**
 * How many of the available nodes take part in a round: a share or a count drawn without replacement,
 * or `poisson`: each available node independently with probability `rate` (the sampling client-level
 * DP accounting assumes; the number of participants varies and may be 0).
 */
export type Participation =
  | { kind: 'fraction'; value: number }
  | { kind: 'count'; value: number }
  | { kind: 'poisson'; rate: number };

/** The schedule of a synchronous federated run. */
export interface RoundPlan {
  readonly rounds: number;
  readonly participation: Participation;
  /**
   * The share of selected nodes that must reply for the round to be aggregated, in (0, 1]; applied
   * to aggregators of quorum `plan` (client-level DP has its own shortfall rule instead).
   */
  readonly minCompletion: number;
  /** Round deadline in milliseconds of wall time (null: wait for every reply or failure). */
  readonly deadlineMs: number | null;
  /** The largest share of the aggregate one update may claim (1: plain sample weighting). */
  readonly maxClientWeight: number;
  /**
   * Stop the run after this many consecutive rounds in which nodes were selected and nothing was
   * aggregated (every node failed, e.g. training went non-finite, or too few replied); the machine
   * then reports `failed`. Null or absent: never stop for that.
   */
  readonly maxFailedRounds?: number | null;
  /**
   * `algorithm.maxUpdateNorm`: an update Δ with ‖Δ‖₂ above this (after decompression, as aggregated) is
   * refused and fails its node (reason `norm-bound`). Null or absent: no bound.
   */
  readonly maxUpdateNorm?: number | null;
}

/**
 * An optional hook on how rounds open, used for privacy budgets (`RunPrivacy.beforeRound` in
 * @starling/core). Without it every planned round is opened.
 */
export interface RoundHooks {
  /**
   * Called before round `round` is opened (before any node is dispatched). Returning a reason (e.g.
   * `'privacy budget'`) finishes the run instead; `finished.stoppedEarly` carries the reason.
   */
  beforeRound?(round: number): string | null;
}

/** What a `RoundMachine` is built with besides its plan. */
export interface RoundMachineOptions extends RoundHooks {
  /**
   * Turns each round's updates into the pseudo-gradient (default: `meanAggregator()`, the capped
   * sample-weighted mean). Client-level DP is `withClientDp(inner, ledger)` around it.
   */
  readonly aggregator?: Aggregator;
  /**
   * The sample count each node reports (its partition size for FedAvg), known before the round: with it
   * an aggregator that streams (`Aggregator.stream`, e.g. `mean`) sums each update as it arrives in
   * node-id order instead of after the last reply. Results are the same bits either way; a reply with
   * another count, a failure or a deadline falls back to aggregating at the close.
   */
  readonly expectedSamples?: (node: number) => number;
  /**
   * The sample count the server assigned each node (its partition size): an update that declares
   * another weight is refused and fails its node (reason `bad-weight`), so no node can claim a larger
   * share of the mean than it was given. Absent: declared weights are trusted (as in unit tests that
   * feed the machine directly).
   */
  readonly assignedSamples?: (node: number) => number;
  /**
   * The virtual clock of a run with `systems:` (`SyncRounds` of @starling/core): it may over-commit the
   * draw, drops offline nodes (reason `offline`), and decides from virtual times which updates count
   * (the others fail with reason `late`); the quorum is then `minCompletion` of its K. Absent: every
   * reply counts, as before.
   */
  readonly gate?: RoundGate;
}

/** What the runtime tells the round logic. */
export type ServerEvent =
  | { type: 'start' }
  | {
      type: 'update';
      round: number;
      node: number;
      samples: number;
      trainLoss: number;
      delta: Float32Array;
      /** τ: local optimizer steps the node took (`LocalResult.steps`; `metrics.steps` over sockets). */
      steps?: number;
      /**
       * True when the runtime has already checked that every entry of `delta` is finite (a `threads` pool
       * thread scans each Δ it writes while it is in cache); the machine then skips its own scan.
       * Absent or false: the machine scans, and refuses a non-finite update, as always.
       */
      finite?: boolean;
      /** The update's payload bytes as sent (after compression): its uplink time on the virtual clock. */
      bytes?: number;
    }
  | { type: 'failure'; round: number; node: number; reason: string }
  | { type: 'deadline'; round: number }
  | { type: 'node-joined'; node: number }
  | { type: 'node-lost'; node: number; reason: string };

/** One closed round, as results and failures in separate lists (Flower's shape), by node id. */
export interface RoundSummary {
  readonly round: number;
  readonly selected: readonly number[];
  readonly results: readonly { node: number; samples: number; trainLoss: number }[];
  readonly failures: readonly { node: number; reason: string }[];
  /** False when too few replied: the global model was left unchanged. */
  readonly aggregated: boolean;
  /** Sample-weighted mean of the reported local training losses (null without results). */
  readonly trainLoss: number | null;
  /**
   * Set when the round's aggregate was refused although updates arrived: `non-finite-aggregate: ...`
   * (the aggregate or the model after the server step held NaN/±Inf; the model and the server
   * optimizer's state were left unchanged, `aggregated` is false and the round counts as failed).
   */
  readonly refused?: string;
}

/**
 * A dispatched round whose mean streams (weights fixed at the open): a runtime that can add the updates
 * itself, in `nodes` order with these weights (the in-process host's pool threads, `SharedReduction`),
 * hands the machine the sum with `adopt`; see `RoundStream.adopt`.
 */
export interface StreamOffer {
  /** p_i of `nodes[i]`, the capped weights of the expected counts. */
  readonly weights: Float64Array;
  /** The sample count `nodes[i]` is expected to report (another count makes the stream fall back). */
  readonly expected: readonly number[];
  /** The machine's kernel backend (the sum must be made with its `accumulate`). */
  readonly backend: 'js' | 'native';
  /**
   * The machine reads no Δ of a round whose pre-reduced sum completes with every update vouched finite
   * (no norm bound): a runtime may then leave those Δs unwritten, provided it writes them before the
   * stream learns that the sum will not complete (an unclaimed update, a failure).
   */
  readonly discardable: boolean;
  adopt(sum: PreReducedSum): void;
}

/** What the round logic asks the runtime to do. */
export type ServerCommand =
  | { type: 'dispatch'; round: number; nodes: readonly number[]; model: Float32Array; reduce?: StreamOffer }
  | { type: 'arm-deadline'; round: number; ms: number }
  | { type: 'round-closed'; summary: RoundSummary }
  | { type: 'rejected'; node: number; round: number; reason: string }
  | {
      type: 'finished';
      completedRounds: number;
      /** A `beforeRound` hook's reason (e.g. the privacy budget). */
      stoppedEarly?: string;
      /** Set when the run failed (see `RoundPlan.maxFailedRounds` and `RoundMachine.failed`). */
      failed?: string;
    };
