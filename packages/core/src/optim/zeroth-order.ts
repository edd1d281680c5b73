import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { positive, positiveInt } from './check.js';

/** Options of the two-point estimator. */
export interface ZerothOrderOptions {
  /** M ≥ 1: random directions per estimate (2M function evaluations). */
  readonly directions: number;
  /** mu > 0: the smoothing radius, in parameter units. */
  readonly mu: number;
}

/**
 * Two-point random-direction gradient estimate (Nesterov & Spokoiny 2017; Duchi et al. 2015):
 *
 *   g = (d/M)·Σ_m [(f(x + mu·u_m) − f(x − mu·u_m)) / (2·mu)]·u_m,   u_m uniform on the unit sphere of R^d.
 *
 * Scaling: for u uniform on the sphere E[u·uᵀ] = I/d, and the central difference equals uᵀ∇f(x) up to
 * O(mu²), so the factor d makes E[g] = ∇f(x) + O(mu²); precisely, E[g] is the gradient of f smoothed
 * over the ball of radius mu (Flaxman et al. 2005). For a quadratic the central difference is exact and
 * g is unbiased for every mu (up to float32 rounding of the probe points). Its variance shrinks like d·‖∇f‖²/M.
 *
 * The directions are drawn from `rng` (d normals per direction, normalized), so a fixed seed gives the
 * same estimate. `f` receives a scratch vector it must not keep; `x` is not modified.
 * @param out receives g; same length d as `x`, must not alias it
 * @returns the mean of the 2M function values (an estimate of f near x, for logging)
 */
export function estimateGradient(
  f: (x: Float32Array) => number,
  x: Float32Array,
  out: Float32Array,
  options: ZerothOrderOptions,
  rng: Rng,
): number {
  const directions = positiveInt('zerothOrder.directions', options.directions);
  const mu = positive('zerothOrder.mu', options.mu);
  const d = x.length;
  if (out.length !== d) throw errors.shape('zeroth-order gradient length', d, out.length);
  const u = new Float64Array(d);
  const probe = new Float32Array(d);
  const acc = new Float64Array(d);
  let fSum = 0;
  for (let m = 0; m < directions; m++) {
    let norm2 = 0;
    do {
      for (let i = 0; i < d; i++) u[i] = rng.normal();
      norm2 = 0;
      for (let i = 0; i < d; i++) norm2 += u[i] * u[i];
    } while (norm2 === 0);
    const inv = 1 / Math.sqrt(norm2);
    for (let i = 0; i < d; i++) u[i] *= inv;
    for (let i = 0; i < d; i++) probe[i] = x[i] + mu * u[i];
    const fPlus = f(probe);
    for (let i = 0; i < d; i++) probe[i] = x[i] - mu * u[i];
    const fMinus = f(probe);
    fSum += fPlus + fMinus;
    const slope = (fPlus - fMinus) / (2 * mu);
    for (let i = 0; i < d; i++) acc[i] += slope * u[i];
  }
  const scale = d / directions;
  for (let i = 0; i < d; i++) out[i] = scale * acc[i];
  return fSum / (2 * directions);
}
