import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import type { CentralNoise } from './client-dp.js';
import { RdpAccountant, type RdpAccountantState } from './rdp-accountant.js';
import type { ResolvedPrivacy } from './run-plan.js';
import type { SampledGaussianSteps } from './sampled-gaussian-rdp.js';

/** The reason a run stops before a step that would exceed its ε budget (summary.json `stopped_early`). */
export const BUDGET_STOP = 'privacy budget';

/** What happened to the privacy ledger in one round (metrics.jsonl `dp_round`). */
export type PrivacyRoundStatus = 'charged' | 'recalibrated' | 'skipped' | 'over budget';

/**
 * A checkpoint of a run's privacy ledger as it stood at the end of `round`: the accountant's ledger and
 * its composed RDP (exact, so ε resumes to the last bit). The central noise stream needs no position:
 * round t draws from `fork('round', t)`, never from the stream itself.
 */
export interface RunPrivacyState {
  readonly round: number;
  readonly accountant: RdpAccountantState;
  readonly rdp: Float64Array;
}

/**
 * What the ledger lets the server release for one client-mode round: out = (Σ_k Δ_k + N(0, std²·I)) /
 * denominator over updates clipped to `clipNorm` (`noisyMeanOfClipped`; the server's `withClientDp`).
 */
export interface ClientRelease extends CentralNoise {
  /** S: the L2 norm each update is clipped to, i.e. the L2 sensitivity of the sum. */
  readonly clipNorm: number;
  /** The round's noise stream (`fork('round', round)` of the central stream). */
  readonly rng: Rng;
}

/**
 * A run's privacy ledger and budget guard. The parameter server calls `beforeRound` as its round hook
 * and, in client mode, `clientRelease` through the `withClientDp` aggregator decorator
 * (@starling/server). No I/O; the same decisions in every runtime.
 *
 * - `dpsgd` and `local`: nodes privatize what they send, so a round is charged when it is opened
 *   (perRound steps at (σ, q)), before any node is dispatched; a round whose charge would take ε past
 *   the target is never opened.
 * - `client`: the server releases the noisy mean, so the charge is made at aggregation. A full round:
 *   noise std z·S on the sum of clipped updates, divided by the fixed q·N; charged at (z, q). A
 *   shortfall (m of s sampled clients replied, m < s): `skip` releases nothing (model unchanged, no
 *   charge); `recalibrate` aggregates the m replies with noise z·S·m/s divided by q·N·m/s — the noise on
 *   the average stays z·S/(qN) and the update keeps its scale — and charges (z·m/s, q). With m = 0 it
 *   skips. A round whose charge would exceed the target is not released, and the run stops.
 */
export class RunPrivacy {
  readonly accountant: RdpAccountant;
  private stopReason: string | null = null;
  private readonly status = new Map<number, PrivacyRoundStatus>();
  private readonly spent = new Map<number, number>();
  /** The ledger right after the two most recently settled rounds (for `state`). */
  private snapshots: RunPrivacyState[] = [];

  /**
   * @param plan from `planRunPrivacy`
   * @param rng the central noise stream (`Rng.fromSeed(seed).fork('dp-central')`); round t uses `fork('round', t)`
   */
  constructor(
    readonly plan: ResolvedPrivacy,
    private readonly rng: Rng,
  ) {
    this.accountant = new RdpAccountant({ orders: plan.orders, conversion: plan.conversion });
  }

  /** ε spent so far at the plan's δ. */
  epsilon(): number {
    return this.accountant.epsilon(this.plan.delta).epsilon;
  }

  /** Why the run stopped early, or null. */
  get stoppedEarly(): string | null {
    return this.stopReason;
  }

  /**
   * ε spent up to and including `round`, as recorded when the round was charged or skipped. The
   * machine opens (and, in dpsgd/local mode, charges) round t + 1 before round t's metrics are
   * written, so metrics must use this rather than `epsilon()`.
   */
  epsilonAfter(round: number): number {
    return this.spent.get(round) ?? this.epsilon();
  }

  /** Records the round's status and the ε spent once it is accounted for. */
  private settle(round: number, status: PrivacyRoundStatus): void {
    this.status.set(round, status);
    this.spent.set(round, this.epsilon());
    const snapshot = { round, accountant: this.accountant.state(), rdp: this.accountant.rdp() };
    this.snapshots = [...this.snapshots.filter((s) => s.round !== round).slice(-1), snapshot];
  }

  /**
   * The ledger as it stood at the end of `round` (one of the last two settled rounds). In `dpsgd` and
   * `local` mode the server opens (and charges) round t + 1 before round t is reported, so the live
   * accountant may already hold the next round's charge; this is the state before it.
   */
  state(round: number): RunPrivacyState {
    const s = this.snapshots.find((x) => x.round === round);
    if (!s) throw errors.runtime(`privacy ledger: no record of round ${round} to checkpoint`);
    return { round, accountant: s.accountant, rdp: s.rdp.slice() };
  }

  /** Restores a ledger from {@link state}: the run continues with round `state.round + 1`. */
  load(state: RunPrivacyState): void {
    this.accountant.restore(state.accountant, state.rdp);
    this.stopReason = null;
    this.snapshots = [{ round: state.round, accountant: state.accountant, rdp: state.rdp.slice() }];
    this.spent.set(state.round, this.epsilon());
  }

  /** What the ledger did in `round` (undefined if the round never reached the ledger). */
  roundStatus(round: number): PrivacyRoundStatus | undefined {
    return this.status.get(round);
  }

  /** True when `step` keeps ε within the target (always, without a target). */
  private fits(step: SampledGaussianSteps): boolean {
    const target = this.plan.targetEpsilon;
    return target === null || this.accountant.projectedEpsilon(this.plan.delta, step).epsilon <= target;
  }

  /** Round hook: stops before a round that would exceed the budget; charges dpsgd/local rounds here. */
  beforeRound(round: number): string | null {
    if (this.stopReason !== null) return this.stopReason;
    if (!this.fits(this.plan.perRound)) {
      this.stopReason = BUDGET_STOP;
      return this.stopReason;
    }
    if (this.plan.mode !== 'client') {
      this.accountant.step(this.plan.perRound);
      this.settle(round, 'charged');
    }
    return null;
  }

  /**
   * Client mode: decides what the server may release for `round`, where `sampled` clients were drawn
   * and `replied` of them answered, and charges the ledger for it. Returns the central noise to add
   * to the sum of the clipped updates (and the fixed denominator to divide it by), or null to release
   * nothing: a shortfall under `skip` (or nobody replied although someone was sampled) is settled as
   * `skipped`, a round whose charge would pass the target as `over budget`, and the run stops. The
   * noise is drawn from `fork('round', round)` of the central stream.
   */
  clientRelease(round: number, sampled: number, replied: number): ClientRelease | null {
    const central = this.plan.central;
    if (central === null) throw errors.runtime('RunPrivacy.clientRelease is for privacy.mode client');
    let ratio = 1;
    if (replied < sampled) {
      if (this.plan.onShortfall === 'skip' || replied === 0) {
        this.settle(round, 'skipped');
        return null;
      }
      ratio = replied / sampled;
    }
    const step = { ...this.plan.perRound, noiseMultiplier: this.plan.noiseMultiplier * ratio };
    if (!this.fits(step)) {
      this.stopReason = BUDGET_STOP;
      this.settle(round, 'over budget');
      return null;
    }
    this.accountant.step(step);
    this.settle(round, ratio === 1 ? 'charged' : 'recalibrated');
    return {
      std: this.plan.noiseMultiplier * this.plan.clipNorm * ratio,
      denominator: central.clientRate * central.population * ratio,
      noise: this.plan.noise,
      clipNorm: this.plan.clipNorm,
      rng: this.rng.fork('round', round),
    };
  }
}
