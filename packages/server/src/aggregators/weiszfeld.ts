/** Options of the smoothed Weiszfeld iteration. */
export interface WeiszfeldOptions {
  /** The most update steps (≥ 1). */
  readonly iterations: number;
  /** ν > 0: distances below ν count as ν in the weights (smoothing, so a point on an input stays finite). */
  readonly nu: number;
  /** Stop when one step lowers the smoothed objective by at most tolerance × its value (≥ 0). */
  readonly tolerance: number;
}

/** dist[i] = ‖v_i − z‖₂, in float64, entries in order. */
export function distancesTo(vectors: readonly Float32Array[], z: Float64Array, dist: Float64Array): void {
  for (let k = 0; k < vectors.length; k++) {
    const v = vectors[k];
    let s = 0;
    for (let i = 0; i < z.length; i++) {
      const d = v[i] - z[i];
      s += d * d;
    }
    dist[k] = Math.sqrt(s);
  }
}

/** The smoothed objective Σ_k g_ν(‖v_k − z‖), g_ν(r) = r for r ≥ ν, (r²/ν + ν)/2 below (Pillutla et al. 2022, eq. 4). */
export function smoothedObjective(dist: Float64Array, nu: number): number {
  let s = 0;
  for (const r of dist) s += r >= nu ? r : (r * r) / nu / 2 + nu / 2;
  return s;
}

/**
 * Smoothed Weiszfeld (Pillutla, Kakade, Harchaoui 2022, "Robust Aggregation for Federated Learning",
 * Algorithm 2 with unit weights): from the start point in `z`, repeats
 *     β_k = 1 / max(ν, ‖v_k − z‖),   z ← Σ_k β_k v_k / Σ_k β_k
 * (float64, inputs in order) until `iterations` steps are done or a step lowers the smoothed objective by
 * at most `tolerance` of its value. Each step does not increase the smoothed objective (a majorize-
 * minimize step), so z never ends worse than where it started.
 * @param z the start point on entry, the result on exit (length = the vectors' length)
 * @returns the number of steps taken
 */
export function weiszfeld(vectors: readonly Float32Array[], z: Float64Array, o: WeiszfeldOptions): number {
  const n = vectors.length;
  const dist = new Float64Array(n);
  const beta = new Float64Array(n);
  distancesTo(vectors, z, dist);
  let objective = smoothedObjective(dist, o.nu);
  for (let t = 0; t < o.iterations; t++) {
    let total = 0;
    for (let k = 0; k < n; k++) total += beta[k] = 1 / Math.max(o.nu, dist[k]);
    z.fill(0);
    for (let k = 0; k < n; k++) {
      const v = vectors[k];
      const w = beta[k] / total;
      for (let i = 0; i < z.length; i++) z[i] += w * v[i];
    }
    distancesTo(vectors, z, dist);
    const next = smoothedObjective(dist, o.nu);
    const gain = objective - next;
    objective = next;
    if (gain <= o.tolerance * next) return t + 1;
  }
  return o.iterations;
}
