import { errors } from '../errors.js';
import { RdpAccountant, type RdpAccountantState } from './rdp-accountant.js';
import type { RdpConversion } from './rdp-conversion.js';
import type { SampledGaussianSteps } from './sampled-gaussian-rdp.js';

/** The ledgers of every peer at the end of `round`: each accountant's ledger and its exact composed RDP. */
export interface PeerLedgersState {
  readonly round: number;
  readonly peers: readonly { readonly accountant: RdpAccountantState; readonly rdp: Float64Array }[];
}

/** How the peers' accountants convert and which orders they track (a run's `privacy.orders` / `conversion`). */
export interface PeerLedgersOptions {
  readonly delta: number;
  readonly orders: readonly number[];
  readonly conversion: RdpConversion;
}

/**
 * One RDP accountant per gossip peer (docs/privacy.md, "DP on the gossip path"): peer i protects its
 * own examples, so its ledger composes only its own mechanism, `perRound[i]` (σ, its q_i, its steps)
 * once per round. An example held by peer i is protected at ε_i; every example of the run at max_i ε_i.
 * Each accountant is the single-node `RdpAccountant`, stepped exactly as `RunPrivacy` steps the server's.
 * No I/O; the driver charges every peer once per round, in round order.
 */
export class PeerLedgers {
  readonly accountants: RdpAccountant[];
  private snapshots: PeerLedgersState[] = [];

  constructor(
    readonly perRound: readonly Required<SampledGaussianSteps>[],
    private readonly options: PeerLedgersOptions,
  ) {
    this.accountants = perRound.map(
      () => new RdpAccountant({ orders: options.orders, conversion: options.conversion }),
    );
  }

  /** Charges every peer for `round` (one round of its per-round steps). */
  charge(round: number): void {
    for (const [i, a] of this.accountants.entries()) a.step(this.perRound[i]);
    const snapshot = this.capture(round);
    this.snapshots = [...this.snapshots.filter((s) => s.round !== round).slice(-1), snapshot];
  }

  /** ε_i spent so far by each peer at the run's δ, by node id. */
  epsilons(): number[] {
    return this.accountants.map((a) => a.epsilon(this.options.delta).epsilon);
  }

  /** max_i ε_i: the guarantee every example of the run has. */
  maxEpsilon(): number {
    return Math.max(...this.epsilons());
  }

  private capture(round: number): PeerLedgersState {
    return { round, peers: this.accountants.map((a) => ({ accountant: a.state(), rdp: a.rdp() })) };
  }

  /** The ledgers as they stood when `round` was charged (one of the last two charged rounds). */
  state(round: number): PeerLedgersState {
    const s = this.snapshots.find((x) => x.round === round);
    if (!s) throw errors.runtime(`peer privacy ledgers: no record of round ${round} to checkpoint`);
    return { round, peers: s.peers.map((p) => ({ accountant: p.accountant, rdp: p.rdp.slice() })) };
  }

  /** Restores every peer's ledger from {@link state} exactly (ε to the last bit); the run continues after `round`. */
  load(state: PeerLedgersState): void {
    if (state.peers.length !== this.accountants.length) {
      throw errors.data(
        'checkpoint',
        `privacy ledgers of ${state.peers.length} peers, expected ${this.accountants.length}`,
      );
    }
    for (const [i, p] of state.peers.entries()) this.accountants[i].restore(p.accountant, p.rdp);
    this.snapshots = [this.capture(state.round)];
  }
}

/**
 * How many of `rounds` rounds fit in `targetEpsilon` when every peer is charged `perRound[i]` per
 * round: the same test `RunPrivacy.beforeRound` makes before each round on the server path (the
 * projected ε after the round must stay ≤ the target), for every peer. A gossip run's charges do not
 * depend on what happens in a round, so the budget stop can be planned before round 0.
 */
export function roundsWithinBudget(
  perRound: readonly Required<SampledGaussianSteps>[],
  targetEpsilon: number,
  rounds: number,
  options: PeerLedgersOptions,
): number {
  let fit = rounds;
  const seen = new Set<string>();
  for (const step of perRound) {
    const key = `${step.noiseMultiplier}/${step.sampleRate}/${step.steps}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const a = new RdpAccountant({ orders: options.orders, conversion: options.conversion });
    let r = 0;
    while (r < fit && a.projectedEpsilon(options.delta, step).epsilon <= targetEpsilon) {
      a.step(step);
      r++;
    }
    fit = r;
  }
  return fit;
}
