import type { Kernels } from '@starling/core';

/** x̄ = (1/K) Σ_i x_i over the K given models (K ≥ 1, equal lengths), summed in node-id order. */
export function averageModel(kernels: Kernels, models: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(models[0].length);
  kernels.weightedSum(
    models.map(() => 1 / models.length),
    models,
    out,
  );
  return out;
}

/**
 * The consensus error (1/K) Σ_i ‖x_i − x̄‖² of K models around their mean `mean`, accumulated in
 * float64 (Lian et al. 2017's measure of disagreement between peers; 0 at exact consensus).
 */
export function consensusError(models: readonly Float32Array[], mean: Float32Array): number {
  let total = 0;
  for (const m of models) {
    for (let k = 0; k < m.length; k++) {
      const d = m[k] - mean[k];
      total += d * d;
    }
  }
  return total / models.length;
}
