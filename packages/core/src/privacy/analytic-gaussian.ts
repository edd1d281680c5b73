import { errors } from '../errors.js';
import { logNormalCdf, normalCdf } from './special-functions.js';

/** Relative width of the final bracket on σ. */
const TOLERANCE = 1e-12;

/**
 * The exact δ of the Gaussian mechanism with noise std σ = s·Δ₂ at privacy level ε (Balle & Wang 2018,
 * Theorem 8): δ(ε) = Φ(1/(2s) − εs) − e^ε·Φ(−1/(2s) − εs). It decreases as s grows.
 */
export function gaussianDelta(noiseToSensitivity: number, epsilon: number): number {
  const s = noiseToSensitivity;
  if (!(s > 0)) throw errors.option('noiseToSensitivity', 'a number > 0', s);
  if (!(epsilon >= 0)) throw errors.option('epsilon', 'a number >= 0', epsilon);
  const a = 1 / (2 * s);
  const b = epsilon * s;
  return Math.max(0, normalCdf(a - b) - Math.exp(epsilon + logNormalCdf(-a - b)));
}

/**
 * The analytic Gaussian mechanism (Balle & Wang 2018, "Improving the Gaussian Mechanism for Differential
 * Privacy"): the smallest noise std σ for which adding N(0, σ²) per coordinate to a query of L2
 * sensitivity Δ₂ is (ε, δ)-DP, found by bracketing and bisecting the exact condition of their
 * Theorem 8 to a relative width of 1e-12 and returning the upper end (so δ is never exceeded).
 * Valid for every ε > 0, unlike the classic calibration.
 */
export function analyticGaussianSigma(options: { sensitivity: number; epsilon: number; delta: number }): number {
  const { sensitivity, epsilon, delta } = options;
  if (!(sensitivity > 0 && Number.isFinite(sensitivity))) {
    throw errors.option('sensitivity', 'a finite number > 0', sensitivity);
  }
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw errors.option('epsilon', 'a finite number > 0', epsilon);
  if (!(delta > 0 && delta < 1)) throw errors.option('delta', 'in (0, 1)', delta);
  let hi = 1;
  while (gaussianDelta(hi, epsilon) > delta) hi *= 2;
  let lo = hi / 2;
  while (gaussianDelta(lo, epsilon) <= delta) {
    hi = lo;
    lo /= 2;
  }
  while (hi - lo > TOLERANCE * hi) {
    const mid = 0.5 * (lo + hi);
    if (gaussianDelta(mid, epsilon) <= delta) hi = mid;
    else lo = mid;
  }
  return hi * sensitivity;
}
