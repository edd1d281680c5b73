import type { CompressorSpec } from '@starling/core';
import type { TopologyOptions } from '@starling/topologies';
import type { NodeSetup } from '../node-setup.js';
import type { GossipAggregatorSpec } from './gossip-aggregator-table.js';

/**
 * What every gossip peer runs between exchanges.
 * - `dpsgd`: decentralized SGD (Lian et al. 2017) with `localSteps` optimizer steps of `batchSize`
 *   examples per round. `cta` (combine-then-adapt, Lian's form) sends x_i and sets
 *   x_i ← Σ_j W_ij x_j + Δ_i(x_i); `atc` (adapt-then-combine, Sayed 2014; Ying et al. 2021) first
 *   trains ψ_i = x_i + Δ_i(x_i), sends ψ_i and sets x_i ← Σ_j W_ij ψ_j. Δ_i(x) is the change that
 *   `NodeTrainer.train` makes from x (−η g_i(x) for one plain SGD step).
 * - `consensus`: average consensus x_i ← Σ_j W_ij x_j (no gradients), from independent N(0, 1) vectors.
 */
export type GossipAlgorithm =
  | { readonly kind: 'dpsgd'; readonly order: 'cta' | 'atc'; readonly localSteps: number; readonly batchSize: number }
  | { readonly kind: 'consensus' };

/**
 * Everything a gossip peer needs, as plain JSON (it travels in `welcome.config`): the local training
 * setup, the algorithm, the topology (rebuilt by every host from the same options, so all agree on
 * W_t), the model's input and class counts (so a host builds x⁰ without loading data) and the timing.
 */
export interface GossipSetup {
  /** Seed, data, model, loss, optimizer and the local plan (`localSteps` steps of `batchSize`). */
  readonly node: NodeSetup;
  readonly algorithm: GossipAlgorithm;
  /** Number of peers K; node ids are 0..K−1. */
  readonly peers: number;
  /** Gossip rounds to run. */
  readonly rounds: number;
  /** `buildTopology` options with `nodes` = `peers`. */
  readonly topology: TopologyOptions & { readonly nodes: number };
  readonly inputs: number;
  readonly classes: number;
  /** Peers report their model to the monitor after rounds t with (t + 1) % evalEvery = 0, and after the last. */
  readonly evalEvery: number;
  /** How long a peer waits for a neighbour's value after sending its own (ms). */
  readonly roundDeadlineMs: number;
  /** Compressed gossip (CHOCO-SGD); absent: peers send their values as raw float32. */
  readonly choco?: ChocoSetup;
  /** How peers combine values (`algorithm.aggregator`); absent: plain gossip (`mean`). */
  readonly aggregator?: GossipAggregatorSpec;
}

/** The `welcome.config` of a gossip host: the setup, its nodes' examples and where every node lives. */
export interface GossipHostConfig {
  readonly kind: 'gossip';
  readonly gossip: GossipSetup;
  /** Example indices of each node this host carries, keyed by node id. */
  readonly partition: Readonly<Record<string, readonly number[]>>;
  /** The host id carrying each node, indexed by node id. */
  readonly owners: readonly string[];
  /** Each host's gossip endpoint (its bound ROUTER), keyed by host id. */
  readonly endpoints: Readonly<Record<string, string>>;
  /**
   * A CURVE run's (`runtime.security`) public key of each host, z85 keyed by host id: a host's gossip
   * inbox admits exactly these, and its link to a host authenticates that host by its key. Absent: plaintext.
   */
  readonly keys?: Readonly<Record<string, string>>;
  /**
   * Peers may begin every round up to `grant`, then hold until the coordinator's `proceed` (or stop
   * earlier on its `hold`): the coordinator grants up to the next round after which a checkpoint is due.
   * Absent: the peers never hold unless told to.
   */
  readonly grant?: number;
  /**
   * Nodes lost with their hosts when this host was welcomed (a replacement host joining after the
   * start): its peers leave them out from the start.
   */
  readonly lost?: readonly number[];
  /**
   * The first round (default 0). Above 0 the run resumes: the host waits for a `peer-state` of each of
   * its nodes (the state after round `from − 1`) before its peers start.
   */
  readonly from?: number;
}

/** True when peers send their model to the monitor after round `round` (0-based). */
export function isReportRound(setup: Pick<GossipSetup, 'evalEvery' | 'rounds'>, round: number): boolean {
  return (round + 1) % setup.evalEvery === 0 || round + 1 === setup.rounds;
}

/**
 * Compressed gossip as configured (`compression.gossip`, `compression.gamma`): CHOCO-SGD / CHOCO-Gossip
 * (Koloskova, Stich, Jaggi 2019). Plain JSON, part of `GossipSetup`.
 */
export interface ChocoSetup {
  /** Every peer's compressor for q_i = C(x_i − x̂_i). */
  readonly compressor: CompressorSpec;
  /** Consensus step size γ in (0, 1]. */
  readonly gamma: number;
}
