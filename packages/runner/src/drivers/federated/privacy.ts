import {
  describeNoiseSource,
  errors,
  type LocalPlan,
  type PrivacySpec,
  planRunPrivacy,
  type ResolvedPrivacy,
  type RunPrivacy,
} from '@starling/core';
import type { ExperimentConfig } from '../../config/schema.js';

/** The share of clients sampled per round of a parameter-server run (null: centralized). */
function clientRate(a: ExperimentConfig['algorithm']): number | null {
  if (a.kind === 'centralized') return null;
  if (a.kind === 'dpsgd' || a.kind === 'consensus') return null;
  if (a.kind === 'fedasync' || a.kind === 'fedbuff') return a.concurrency / a.clients;
  return a.fraction ?? (a.clientsPerRound !== undefined ? a.clientsPerRound / a.clients : 1);
}

/**
 * Resolves `cfg.privacy` for a parameter-server run with these node partitions (null without privacy):
 * σ calibrated for the planned steps when only `targetEpsilon` is given, and the pre-flight budget
 * check, which throws a `privacy` error (exit code 2) naming the projected ε.
 */
export function planPrivacyFor(
  cfg: ExperimentConfig,
  parts: readonly Int32Array[],
  local: LocalPlan,
): ResolvedPrivacy | null {
  const p = cfg.privacy;
  if (p === null) return null;
  checkPrivacySupported(cfg);
  const a = cfg.algorithm;
  if (a.kind === 'dpsgd' || a.kind === 'consensus') return null;
  return planRunPrivacy(p as PrivacySpec, {
    rounds: a.rounds,
    local,
    nodeSizes: parts.map((x) => x.length),
    clientRate: clientRate(a),
  });
}

/** The `privacy` entry of meta.json: the numbers and what they assume, next to each other. */
export function privacyMeta(p: Pick<RunPrivacy, 'plan'>): Record<string, unknown> {
  const r = p.plan;
  return {
    mode: r.mode,
    delta: r.delta,
    target_epsilon: r.targetEpsilon,
    noise_multiplier: r.noiseMultiplier,
    noise_multiplier_calibrated: r.calibrated,
    clip_norm: r.clipNorm,
    sample_rate: r.perRound.sampleRate,
    steps_per_round: r.perRound.steps,
    planned_steps: r.plannedSteps,
    projected_epsilon: r.projectedEpsilon,
    sampling: 'poisson (each record or client joins each step independently with probability sample_rate)',
    noise: r.noise,
    noise_source: describeNoiseSource(r.noise),
    accountant: `RDP of the Poisson-subsampled Gaussian, ${r.conversion} conversion`,
    on_shortfall: r.mode === 'client' ? r.onShortfall : null,
    over_budget: r.overBudget,
  };
}

/** The `privacy` entry of summary.json: what the final `epsilon` was computed from. */
export function privacySummary(p: RunPrivacy): Record<string, unknown> {
  const { epsilon, order } = p.accountant.epsilon(p.plan.delta);
  return {
    mode: p.plan.mode,
    epsilon,
    order,
    delta: p.plan.delta,
    target_epsilon: p.plan.targetEpsilon,
    noise_multiplier: p.plan.noiseMultiplier,
    sample_rate: p.plan.perRound.sampleRate,
    steps: p.accountant.steps(),
    sampling: 'poisson',
    noise: p.plan.noise,
    history: p.accountant.state().history,
  };
}

/** Refuses `privacy` with the gossip algorithms here: their DP is planned by the gossip driver (gossip/privacy.ts). */
export function checkPrivacySupported(cfg: ExperimentConfig): void {
  const kind = cfg.algorithm.kind;
  if (cfg.privacy !== null && (kind === 'dpsgd' || kind === 'consensus')) {
    throw errors.option(
      'privacy',
      `planned by the gossip driver for algorithm.kind ${kind}, not the parameter server's`,
      cfg.privacy.mode,
    );
  }
}
