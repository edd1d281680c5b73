import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { analyticGaussianSigma } from './analytic-gaussian.js';
import { addGaussianNoise } from './gaussian-noise.js';

/**
 * How the Gaussian mechanism's σ is chosen for (ε, δ):
 * - `'classic'`: σ = Δ₂·√(2 ln(1.25/δ))/ε, proven only for ε < 1 (Dwork & Roth 2014, "The Algorithmic
 *   Foundations of Differential Privacy", Theorem A.1);
 * - `'analytic'`: the smallest σ satisfying the exact condition of Balle & Wang 2018, "Improving the
 *   Gaussian Mechanism for Differential Privacy", Theorem 8; valid for every ε > 0 and never larger.
 */
export type GaussianCalibration = 'classic' | 'analytic';

/** Parameters of the Gaussian mechanism. */
export interface GaussianOptions {
  /** The L2 sensitivity Δ₂: max ‖f(x) − f(x′)‖₂ over neighbouring data sets, > 0. */
  readonly sensitivity: number;
  /** ε > 0 (and < 1 for the classic calibration). */
  readonly epsilon: number;
  /** δ in (0, 1). */
  readonly delta: number;
  /** `'classic'` when omitted. */
  readonly calibration?: GaussianCalibration;
}

/**
 * The noise standard deviation σ (not the variance) that makes the Gaussian mechanism (ε, δ)-DP for
 * L2 sensitivity Δ₂, by the chosen calibration. The classic formula refuses ε ≥ 1, where its proof
 * does not hold; use `'analytic'` there.
 */
export function gaussianSigma(options: GaussianOptions): number {
  const { sensitivity, epsilon, delta } = options;
  const calibration = options.calibration ?? 'classic';
  if (!(sensitivity > 0 && Number.isFinite(sensitivity))) {
    throw errors.option('sensitivity', 'a finite number > 0', sensitivity);
  }
  if (!(delta > 0 && delta < 1)) throw errors.option('delta', 'in (0, 1)', delta);
  if (calibration === 'analytic') return analyticGaussianSigma(options);
  if (calibration !== 'classic') throw errors.unknownKind('calibration', String(calibration), ['classic', 'analytic']);
  if (!(epsilon > 0 && epsilon < 1)) {
    throw errors.option('epsilon', 'in (0, 1) for the classic Gaussian calibration (use "analytic" above)', epsilon);
  }
  return (sensitivity * Math.sqrt(2 * Math.log(1.25 / delta))) / epsilon;
}

/**
 * Releases `value` with independent N(0, σ²) noise on every coordinate, σ from `gaussianSigma`:
 * (ε, δ)-DP when `sensitivity` bounds the L2 distance between neighbouring values. Pure: a vector input
 * is copied. Draws from `rng` only.
 */
export function gaussianMechanism(value: number, options: GaussianOptions, rng: Rng): number;
export function gaussianMechanism(value: Float32Array, options: GaussianOptions, rng: Rng): Float32Array;
export function gaussianMechanism(
  value: number | Float32Array,
  options: GaussianOptions,
  rng: Rng,
): number | Float32Array {
  const sigma = gaussianSigma(options);
  if (typeof value === 'number') return value + rng.normal(0, sigma);
  return addGaussianNoise(Float32Array.from(value), sigma, rng);
}
