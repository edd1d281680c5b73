import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';

/** Parameters of the Laplace mechanism. */
export interface LaplaceOptions {
  /** The L1 sensitivity Δ₁ of the released quantity: max ‖f(x) − f(x′)‖₁ over neighbours, > 0. */
  readonly sensitivity: number;
  /** The privacy parameter ε > 0. */
  readonly epsilon: number;
}

/**
 * The Laplace scale b = Δ₁/ε that makes the Laplace mechanism ε-DP (Dwork, McSherry, Nissim, Smith 2006,
 * "Calibrating noise to sensitivity in private data analysis"). Each coordinate's noise has variance 2b².
 */
export function laplaceScale(options: LaplaceOptions): number {
  const { sensitivity, epsilon } = options;
  if (!(sensitivity > 0 && Number.isFinite(sensitivity))) {
    throw errors.option('sensitivity', 'a finite number > 0', sensitivity);
  }
  if (!(epsilon > 0 && Number.isFinite(epsilon))) throw errors.option('epsilon', 'a finite number > 0', epsilon);
  return sensitivity / epsilon;
}

/**
 * Releases `value` with independent Laplace(0, Δ₁/ε) noise on every coordinate: ε-DP when `sensitivity`
 * bounds the L1 distance between the values of neighbouring data sets. Pure: a vector input is copied.
 * Draws from `rng` only (fork it per purpose, e.g. `rng.fork('noise', round)`).
 */
export function laplaceMechanism(value: number, options: LaplaceOptions, rng: Rng): number;
export function laplaceMechanism(value: Float32Array, options: LaplaceOptions, rng: Rng): Float32Array;
export function laplaceMechanism(
  value: number | Float32Array,
  options: LaplaceOptions,
  rng: Rng,
): number | Float32Array {
  const b = laplaceScale(options);
  if (typeof value === 'number') return value + rng.laplace(b);
  const out = Float32Array.from(value);
  for (let i = 0; i < out.length; i++) out[i] += rng.laplace(b);
  return out;
}
