import { errors } from '@starling/core';
import type { AppliedUpdate, ArrivedUpdate, AsyncRule } from './async-rule.js';
import { type StalenessSpec, stalenessWeight } from './staleness.js';

/**
 * FedAsync (Xie, Koyejo, Gupta 2019, "Asynchronous Federated Optimization", Algorithm 1): every
 * arriving client model x_new = x_τ + Δ (trained from version τ) is mixed into the global model at once,
 * x ← (1 − α_t)·x + α_t·x_new with α_t = α·s(t − τ). Each arrival is one server update. Mixed per entry
 * in float64 and rounded once to float32, so α = 1 gives exactly x_new.
 * @param alpha α ∈ (0, 1]
 */
export function fedAsyncRule(alpha: number, staleness: StalenessSpec): AsyncRule {
  if (!(alpha > 0 && alpha <= 1)) throw errors.option('algorithm.alpha', 'in (0, 1]', alpha);
  return {
    kind: 'fedasync',
    readsDispatchModel: true,
    holding: [],
    hold(updates) {
      if (updates.length > 0) throw errors.runtime('FedAsync holds no updates');
    },
    atDispatch(model, delta) {
      for (let i = 0; i < delta.length; i++) delta[i] = model[i] + delta[i];
    },
    arrive(u: ArrivedUpdate, model: Float32Array): AppliedUpdate {
      const a = alpha * stalenessWeight(staleness, u.staleness);
      const x = u.vector;
      for (let i = 0; i < model.length; i++) {
        if (!Number.isFinite(x[i])) {
          return {
            staleness: [u.staleness],
            samples: u.samples,
            trainLoss: u.trainLoss,
            refused: `model[${i}] is ${x[i]}`,
          };
        }
      }
      const keep = 1 - a;
      for (let i = 0; i < model.length; i++) model[i] = keep * model[i] + a * x[i];
      return { staleness: [u.staleness], samples: u.samples, trainLoss: u.trainLoss, refused: null };
    },
  };
}
