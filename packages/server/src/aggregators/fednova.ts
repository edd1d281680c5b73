import { errors } from '@starling/core';
import type { AggregationContext, Aggregator, AggregatorUpdate } from './aggregator.js';

/**
 * The local step counts of a round's updates (τ_k, each ≥ 1), or a runtime error naming the first node
 * that did not report one: FedNova and SCAFFOLD cannot aggregate without them.
 */
export function stepsOf(updates: readonly AggregatorUpdate[], who: string): number[] {
  return updates.map((u) => {
    const t = u.steps;
    if (t === undefined || !Number.isInteger(t) || t < 1) {
      throw errors.runtime(`${who}: node ${u.node} reported ${String(t)} local steps (need an integer ≥ 1)`);
    }
    return t;
  });
}

/**
 * FedNova's server side (Wang, Liu, Liang, Joshi, Poor 2020, "Tackling the Objective Inconsistency
 * Problem in Heterogeneous Federated Optimization"), for plain local SGD (a_k = τ_k): the nodes send
 * normalized updates d_k = Δ_k / τ_k (`LocalPlan.normalizeBySteps`); `inner` aggregates them (the mean
 * gives Σ_k p_k d_k with the capped sample weights p_k, a robust aggregator its own estimate) and the
 * result is scaled by τ_eff = Σ_k p_k τ_k. Every runtime reports τ_k with the update (`steps`).
 * Not streamed (τ_k is known only with each reply); client-level DP cannot wrap it (τ_eff depends on
 * who took part).
 */
export function withFedNova(inner: Aggregator): Aggregator {
  const state = inner.state?.bind(inner);
  const load = inner.load?.bind(inner);
  return {
    kind: `fednova(${inner.kind})`,
    quorum: inner.quorum,
    clientDpRefusal:
      'FedNova scales the aggregate by τ_eff = Σ p_k τ_k, a factor that depends on the participants and is not covered by the per-client sensitivity',
    ...(state ? { state } : {}),
    ...(load ? { load } : {}),
    aggregate(updates, weights: Float64Array, out: Float32Array, ctx: AggregationContext): boolean {
      const tau = stepsOf(updates, 'fednova');
      if (!inner.aggregate(updates, weights, out, ctx)) return false;
      let tauEff = 0;
      for (let k = 0; k < tau.length; k++) tauEff += weights[k] * tau[k];
      ctx.kernels.scale(tauEff, out);
      return true;
    },
  };
}
