import { type RunPrivacy, rdpToEpsilon, sampledGaussianRdpCurve } from '@starling/core';
import type { PrivacyPlan } from './explanation.js';

/**
 * The privacy plan of a run: σ (calibrated or given), q, steps per round and ε after each round at δ,
 * computed as the run's accountant computes it (per-round steps × the per-step RDP curve of the
 * Poisson-subsampled Gaussian, Mironov 2017, then the plan's conversion), for a run whose every round
 * is charged as planned. The last entry is the plan's projected ε.
 */
export function privacyPlan(p: RunPrivacy, rounds: number): PrivacyPlan {
  const r = p.plan;
  const { noiseMultiplier, sampleRate, steps } = r.perRound;
  const epsilons = Array.from({ length: rounds }, (_, round) => {
    const rdp = sampledGaussianRdpCurve(r.orders, { noiseMultiplier, sampleRate, steps: (round + 1) * steps });
    return rdpToEpsilon(r.orders, rdp, r.delta, r.conversion).epsilon;
  });
  return {
    mode: r.mode,
    noise_multiplier: r.noiseMultiplier,
    calibrated: r.calibrated,
    clip_norm: r.clipNorm,
    delta: r.delta,
    target_epsilon: r.targetEpsilon,
    sample_rate: sampleRate,
    steps_per_round: steps,
    epsilon_per_round: epsilons,
    projected_epsilon: r.projectedEpsilon,
    accountant: `RDP of the Poisson-subsampled Gaussian, ${r.conversion} conversion`,
  };
}
