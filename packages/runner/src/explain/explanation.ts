import type { ExperimentConfig } from '../config/schema.js';
import type { FlopsPlan } from './layer-flops.js';
import type { SystemsPlan } from './systems-plan.js';

/** Consecutive rounds `[from, to]` (inclusive) that move the same bytes. */
export interface RoundSpan {
  readonly from: number;
  readonly to: number;
  /** Bytes up (clients → server; gossip: sent by the peers) in each of these rounds. */
  readonly bytes_up: number;
  /** Bytes down (server → clients; gossip: received by the peers) in each of these rounds. */
  readonly bytes_down: number;
  /** Messages up in each round (participants, or gossip messages). */
  readonly messages: number;
}

/** One kind of link and what one message on it carries. */
export interface LinkPlan {
  /** `client->server`, `server->client` or `peer->peer`. */
  readonly link: string;
  /** Payload bytes of one message (the lower bound when not `exact`). */
  readonly payload_bytes: number;
  /** The largest payload of one message. */
  readonly payload_bytes_max: number;
  /** Bytes of one message as counted in `bytes_up` (gossip: header frame + payload; federated: payload). */
  readonly message_bytes: { readonly min: number; readonly max: number };
  /** The compressor on this link, or `none (float32)`. */
  readonly compression: string;
  readonly exact: boolean;
}

/**
 * The projected traffic of a run. `counted` says which metrics fields the projection equals: federated
 * runs project payload bytes (`payload_bytes_up`/`payload_bytes_down`, equal to `bytes_up`/`bytes_down`
 * inline), gossip runs project gossip bytes with their header frames (`bytes_up`/`bytes_down`).
 */
export interface TrafficPlan {
  readonly counted: 'payload' | 'wire';
  readonly links: readonly LinkPlan[];
  /** Per-round totals, run-length encoded over the rounds (exact when `exact`, lower bounds otherwise). */
  readonly rounds: readonly RoundSpan[];
  readonly total: { readonly bytes_up: number; readonly bytes_down: number };
  /** True when every figure is exact for a run without failures. */
  readonly exact: boolean;
  readonly note: string;
}

/** Numbers over the clients: min, median, max (and the total where it means something). */
export interface Spread {
  readonly min: number;
  readonly median: number;
  readonly max: number;
}

/** The partition of the training examples over clients or peers. */
export interface PartitionPlan {
  readonly clients: number;
  readonly examples: Spread & { readonly total: number };
  readonly labels_per_client: Spread;
  /** Mean total-variation distance between a client's label mix and the whole set's, in [0, 1]. */
  readonly label_skew: number;
}

/** Which host carries which nodes (socket runtimes), or where the nodes train (inline). */
export interface PlacementPlan {
  readonly runtime: ExperimentConfig['runtime']['kind'];
  /** One entry per host: its id (as launched; cluster hosts are ordered by their ids) and node range. */
  readonly hosts: readonly { readonly host: string; readonly nodes: string; readonly count: number }[];
  /** Pool threads per host process on this machine (0: training in the main thread). */
  readonly threads_per_host: number;
}

/** The privacy plan: σ, per-round and final ε, what they assume. */
export interface PrivacyPlan {
  readonly mode: string;
  readonly noise_multiplier: number;
  readonly calibrated: boolean;
  readonly clip_norm: number;
  readonly delta: number;
  readonly target_epsilon: number | null;
  readonly sample_rate: number;
  readonly steps_per_round: number;
  /** ε spent after each round, by round (index = round). */
  readonly epsilon_per_round: readonly number[];
  readonly projected_epsilon: number;
  readonly accountant: string;
}

/** Kernel calls of one round, counted on a scratch copy of one client's (or peer's) local round. */
export interface KernelCallsPlan {
  /** Calls by kernel name for one client's local round. */
  readonly per_client: Readonly<Record<string, number>>;
  readonly per_client_total: number;
  /** Clients (or peers) that train in a round: mean over the rounds. */
  readonly clients_per_round: number;
  /** per_client_total × clients_per_round (local training only; aggregation and gossip mixing excluded). */
  readonly per_round: number;
  readonly measured_on: string;
}

/** What `starling explain` (and `starling run --dry-run`) reports: the run's plan, nothing trained. */
export interface Explanation {
  readonly name: string;
  readonly family: 'federated' | 'gossip';
  readonly algorithm: string;
  readonly rounds: number;
  readonly params: number;
  readonly config: ExperimentConfig;
  readonly partition: PartitionPlan | null;
  readonly placement: PlacementPlan;
  readonly topology: {
    readonly kind: string;
    readonly nodes: number;
    readonly lambda2: number | null;
    readonly spectral_gap: number | null;
    readonly degree: { readonly min: number; readonly max: number };
    readonly messages_per_round: number;
    readonly time_varying: boolean;
  } | null;
  readonly traffic: TrafficPlan;
  readonly privacy: PrivacyPlan | null;
  /** The virtual clock's plan (runs with `systems:` only). */
  readonly systems?: SystemsPlan;
  readonly memory: {
    readonly estimate_mb: number;
    readonly available_mb: number;
    readonly parts_mb: Readonly<Record<string, number>>;
    readonly fits: boolean;
  };
  readonly kernel_calls: KernelCallsPlan;
  /** FLOPs per layer, per example and per round (Sequential models: `sequential`, `cnn-fedavg`), or null. */
  readonly flops: FlopsPlan | null;
}
