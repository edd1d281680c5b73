import type { ServerMoments, ServerStep } from './server-optimizers/server-optimizer-kind.js';
import {
  type ServerOptimizerInput,
  type ServerOptimizerSpec,
  serverOptimizers,
} from './server-optimizers/server-optimizer-table.js';

/**
 * How the server applies the aggregated pseudo-gradient Δ_t = Σ_k p_k (x_k − x) to the global model
 * (Reddi et al. 2021, "Adaptive Federated Optimization", Algorithm 2; Hsu et al. 2019 for FedAvgM).
 * The rule of each kind lives in its own file under `server-optimizers/` (see `serverOptimizers`):
 * - plain:      x ← x + lr·Δ                      (lr = 1 is FedAvg)
 * - fedavgm:    v ← μv + Δ;  x ← x + lr·v
 * - fedadagrad: v ← v + Δ²
 * - fedadam:    v ← β2·v + (1 − β2)Δ²
 * - fedyogi:    v ← v − (1 − β2)·Δ²·sign(v − Δ²)
 *   and for the three adaptive ones m ← β1·m + (1 − β1)Δ;  x ← x + lr·m/(√v + tau).
 *
 * The state (m, v) is checkpointable; `apply` updates `params` in place.
 */
export class ServerOptimizer {
  /** The parsed spec, every default filled in. */
  readonly spec: ServerOptimizerSpec;
  private readonly step: ServerStep;
  private moments: ServerMoments = { m: null, v: null };

  /**
   * @param spec the server optimizer spec; options are validated by its kind's schema
   * @param path where the spec sits in the experiment, for error messages
   */
  constructor(spec: ServerOptimizerInput, path = 'algorithm.serverOptimizer') {
    const entry = serverOptimizers.require(spec.kind, `${path}.kind`);
    this.step = entry.make(spec, path);
    this.spec = entry.schema.parse(spec);
  }

  /** Applies the pseudo-gradient `delta` (the weighted mean of client updates) to `params`. */
  apply(params: Float32Array, delta: Float32Array): void {
    this.step(params, delta, this.moments);
  }

  /** Checkpointable state (copies). */
  state(): { m: Float32Array | null; v: Float32Array | null } {
    const { m, v } = this.moments;
    return { m: m ? m.slice() : null, v: v ? v.slice() : null };
  }

  /** Restores a state from {@link state}. */
  load(state: { m: Float32Array | null; v: Float32Array | null }): void {
    this.moments = { m: state.m ? state.m.slice() : null, v: state.v ? state.v.slice() : null };
  }
}
