import { errors } from '../errors.js';

function checkNorm(path: string, value: number): void {
  if (!(value > 0 && Number.isFinite(value))) throw errors.option(path, 'a finite number > 0', value);
}

/**
 * The Euclidean norm of `v`, accumulated in float64. Throws a `runtime` error naming the first
 * non-finite entry: clipping cannot bound a NaN or infinite gradient, and scaling it would hide the fault.
 */
export function finiteL2Norm(v: Float32Array | Float64Array, what = 'vector'): number {
  let sum = 0;
  for (let i = 0; i < v.length; i++) sum += v[i] * v[i];
  if (Number.isFinite(sum)) return Math.sqrt(sum);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i])) throw errors.runtime(`${what}[${i}] is ${v[i]}; cannot clip a non-finite vector`);
  }
  // Only reachable for float64 inputs whose squares overflow: rescale first.
  let max = 0;
  for (let i = 0; i < v.length; i++) max = Math.max(max, Math.abs(v[i]));
  let scaled = 0;
  for (let i = 0; i < v.length; i++) scaled += (v[i] / max) ** 2;
  return max * Math.sqrt(scaled);
}

/**
 * Clips `v` in place to L2 norm at most `maxNorm` (Abadi et al. 2016, "Deep Learning with Differential
 * Privacy": g ← g / max(1, ‖g‖/C)) and returns the scale applied, in (0, 1]. The direction is kept;
 * a vector already within the norm, including the zero vector, is left untouched (scale 1).
 * After clipping, ‖v‖ ≤ C·(1 + 1e-6) even with float32 rounding.
 * @param v a flat float vector (a gradient or model update), modified in place
 * @param maxNorm C > 0, the clipping norm (the L2 sensitivity of one contribution)
 */
export function clipToNorm(v: Float32Array | Float64Array, maxNorm: number): number {
  checkNorm('maxNorm', maxNorm);
  const norm = finiteL2Norm(v, 'clipToNorm input');
  if (norm <= maxNorm) return 1;
  const scale = maxNorm / norm;
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return scale;
}

/**
 * Normalizes `v` in place to v·C/(‖v‖ + κ) and returns that multiplier: every contribution gets norm
 * C·‖v‖/(‖v‖ + κ) < C, so the L2 sensitivity is C with no clipping threshold to tune (the "automatic
 * clipping" of Bu, Wang, Zha, Karypis 2023, "Automatic Clipping: Differentially Private Deep Learning
 * Made Easier and Stronger"; κ is their stability constant γ). The zero vector stays zero.
 * @param maxNorm C > 0
 * @param kappa κ ≥ 0; with κ = 0 every non-zero vector is scaled to norm exactly C
 */
export function normalizeToNorm(v: Float32Array | Float64Array, maxNorm: number, kappa: number): number {
  checkNorm('maxNorm', maxNorm);
  if (!(kappa >= 0 && Number.isFinite(kappa))) throw errors.option('kappa', 'a finite number >= 0', kappa);
  const norm = finiteL2Norm(v, 'normalizeToNorm input');
  if (norm === 0) return kappa === 0 ? 0 : maxNorm / kappa;
  const scale = maxNorm / (norm + kappa);
  for (let i = 0; i < v.length; i++) v[i] *= scale;
  return scale;
}
