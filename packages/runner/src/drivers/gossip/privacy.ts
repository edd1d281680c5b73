import {
  BUDGET_STOP,
  dpSgdStepsPerRound,
  errors,
  type LocalPlan,
  lotSampleRate,
  type NodePrivacy,
  PeerLedgers,
  type PrivacySpec,
  planRunPrivacy,
  type ResolvedPrivacy,
  roundsWithinBudget,
} from '@starling/core';
import type { ExperimentConfig } from '../../config/schema.js';
import { privacyMeta } from '../federated/privacy.js';
import type { GossipConfig } from './prepare.js';

/** A gossip run's privacy: the plan, one ledger per peer, and the rounds the budget allows. */
export interface GossipPrivacy {
  /** σ (calibrated for the peer with the largest q when only `targetEpsilon` is given), δ, C, mode. */
  readonly plan: ResolvedPrivacy;
  /** One RDP accountant per peer, charged once per round by the driver. */
  readonly ledgers: PeerLedgers;
  /** What every peer applies itself (DP-SGD with `lotSize`, or local DP on its update). */
  readonly node: NodePrivacy;
  /** Rounds to run: `algorithm.rounds`, or fewer when `overBudget: stop` ends the run at the budget. */
  readonly rounds: number;
  /** `privacy budget` when the budget ends the run before `algorithm.rounds`, else null. */
  readonly stoppedEarly: string | null;
}

/** Refuses what a gossip run cannot account for, with the reason (exit code 2). */
function checkGossipPrivacy(cfg: ExperimentConfig, a: GossipConfig, parts: readonly Int32Array[]): void {
  const mode = cfg.privacy?.mode;
  if (a.kind === 'consensus') {
    throw errors.option(
      'privacy',
      'null with algorithm.kind consensus (average consensus trains on no examples: DP has nothing to protect)',
      mode,
    );
  }
  if (mode === 'client') {
    throw errors.option(
      'privacy.mode',
      'dpsgd or local on a gossip run (client-level DP needs a server that noises the aggregate; gossip has none)',
      mode,
    );
  }
  const empty = parts.findIndex((p) => p.length === 0);
  if (empty >= 0) {
    throw errors.option(
      'algorithm.partition',
      `one that gives every peer examples under privacy (peer ${empty} has none)`,
      0,
    );
  }
}

/**
 * Plans DP on the gossip path (docs/privacy.md, "DP on the gossip path"), or null without `privacy`.
 * - `dpsgd`: DP-SGD in each peer's local steps. Peer i draws Poisson lots at q_i = min(1, batchSize/n_i)
 *   (`lotSampleRate`; every peer at `privacy.sampleRate` when given) and its accountant charges
 *   `localSteps` steps at (σ, q_i) per round. σ is given, or calibrated by `planRunPrivacy` for the
 *   largest q_i (the server path's batch/min n), so max_i ε_i meets `targetEpsilon`.
 * - `local`: each peer clips its round's update to S and adds N(0, (zS)²) before it enters its model;
 *   charged as on the server path (q = 1, one step at z/2 per round), the unit is the peer's data set.
 * Budget: `overBudget: refuse` (default) refuses a plan over the target before the run (exit code 2);
 * `stop` runs the rounds that fit (`roundsWithinBudget`) and reports `stopped_early: privacy budget`.
 */
export function planGossipPrivacy(
  cfg: ExperimentConfig,
  a: GossipConfig,
  parts: readonly Int32Array[],
  local: LocalPlan,
): GossipPrivacy | null {
  const spec = cfg.privacy;
  if (spec === null) return null;
  checkGossipPrivacy(cfg, a, parts);
  const sizes = parts.map((p) => p.length);
  const plan = planRunPrivacy(spec as PrivacySpec, {
    rounds: a.rounds,
    local,
    nodeSizes: sizes,
    // local DP charges q = 1 whatever rate is given (each peer's release is seen); dpsgd takes q from the lots
    clientRate: spec.mode === 'local' ? 1 : null,
  });
  const own = plan.node.dpSgd && spec.sampleRate === undefined && local.batchSize !== null;
  const lotSize = local.batchSize ?? 1;
  const perRound = sizes.map((n) => {
    if (plan.mode !== 'dpsgd') return plan.perRound;
    const q = own ? lotSampleRate(lotSize, n) : plan.perRound.sampleRate;
    return { noiseMultiplier: plan.perRound.noiseMultiplier, sampleRate: q, steps: dpSgdStepsPerRound(local, q) };
  });
  const options = { delta: plan.delta, orders: plan.orders, conversion: plan.conversion };
  const target = plan.targetEpsilon;
  const rounds = target === null ? a.rounds : roundsWithinBudget(perRound, target, a.rounds, options);
  if (rounds === 0) {
    throw errors.privacy(
      `privacy budget exceeded before the run: not one round fits privacy.targetEpsilon ${target} at delta ` +
        `${plan.delta} with noise multiplier ${plan.noiseMultiplier} (largest peer sample rate ` +
        `${Math.max(...perRound.map((p) => p.sampleRate))}); raise privacy.noiseMultiplier or omit it to calibrate`,
    );
  }
  const node: NodePrivacy = plan.node.dpSgd && own ? { dpSgd: { ...plan.node.dpSgd, lotSize } } : plan.node;
  return {
    plan,
    ledgers: new PeerLedgers(perRound, options),
    node,
    rounds,
    stoppedEarly: rounds < a.rounds ? BUDGET_STOP : null,
  };
}

/** The `privacy` entry of meta.json: the server path's plan fields and each peer's rate and steps. */
export function gossipPrivacyMeta(p: GossipPrivacy): Record<string, unknown> {
  return {
    ...privacyMeta(p),
    accountants: 'one per peer (each peer protects its own examples); epsilon is the maximum over peers',
    peer_sample_rates: p.ledgers.perRound.map((s) => s.sampleRate),
    peer_steps_per_round: p.ledgers.perRound.map((s) => s.steps),
    rounds_within_budget: p.rounds,
  };
}

/** The `privacy` entry of summary.json: ε per peer and their maximum, and what they were computed from. */
export function gossipPrivacySummary(p: GossipPrivacy): Record<string, unknown> {
  const eps = p.ledgers.epsilons();
  const worst = eps.indexOf(Math.max(...eps));
  return {
    mode: p.plan.mode,
    epsilon: eps[worst],
    epsilon_peer: worst,
    epsilon_peers: eps,
    order: p.ledgers.accountants[worst].epsilon(p.plan.delta).order,
    delta: p.plan.delta,
    target_epsilon: p.plan.targetEpsilon,
    noise_multiplier: p.plan.noiseMultiplier,
    sample_rates: p.ledgers.perRound.map((s) => s.sampleRate),
    steps: p.ledgers.accountants.map((a) => a.steps()),
    sampling: 'poisson',
    noise: p.plan.noise,
  };
}
