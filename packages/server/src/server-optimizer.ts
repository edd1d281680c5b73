import type { Kernels } from '@starling/core';
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
  /** The model and moments before the last `applyFinite` step (reused buffers). */
  private backup: { params: Float32Array; m: Float32Array | null; v: Float32Array | null } | null = null;

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

  /**
   * Applies `delta` like {@link apply} unless that would leave a NaN/±Inf in the model: `delta` is
   * scanned first, then the model after the step; on a bad entry `params` and the moments are restored
   * bit for bit (from buffers kept for that, one model-sized vector per state vector plus one) and the
   * reason is returned (`aggregate[i] is Infinity`, `model[i] would be NaN`); null when applied.
   * @param scan the index of the first non-finite entry, or −1 (`CompressKernels.firstNonFinite`)
   * @param kernels the run's kernels, for the rules that can use them (`ServerStep`)
   */
  applyFinite(
    params: Float32Array,
    delta: Float32Array,
    scan: (x: Float32Array) => number,
    kernels?: Pick<Kernels, 'axpy'>,
  ): string | null {
    const d = scan(delta);
    if (d >= 0) return `aggregate[${d}] is ${delta[d]}`;
    const saved = this.save(params);
    this.step(params, delta, this.moments, kernels);
    const p = scan(params);
    if (p < 0) return null;
    const value = params[p];
    params.set(saved.params);
    // A moment the step allocated (first use) goes again; one that existed gets its values back.
    const restore = (now: Float32Array | null, was: Float32Array | null) => {
      if (!was || !now) return null;
      now.set(was);
      return now;
    };
    this.moments = { m: restore(this.moments.m, saved.m), v: restore(this.moments.v, saved.v) };
    return `model[${p}] would be ${value}`;
  }

  /** Copies `params` and the moments into the reusable backup buffers; returns them (null: no moment yet). */
  private save(params: Float32Array): { params: Float32Array; m: Float32Array | null; v: Float32Array | null } {
    const copy = (from: Float32Array, into: Float32Array | null | undefined) => {
      const to = into?.length === from.length ? into : new Float32Array(from.length);
      to.set(from);
      return to;
    };
    const prev = this.backup;
    const { m, v } = this.moments;
    this.backup = {
      params: copy(params, prev?.params),
      m: m ? copy(m, prev?.m) : null,
      v: v ? copy(v, prev?.v) : null,
    };
    return this.backup;
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
