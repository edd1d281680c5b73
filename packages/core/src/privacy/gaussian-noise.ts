import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';

/**
 * Adds independent N(0, std²) noise to every entry of `v`, in place, and returns `v`.
 * `std` is a standard deviation, not a variance: for DP-SGD pass σ·C (noise multiplier times clipping
 * norm). Draws only from `rng`; the same stream gives the same noise.
 */
export function addGaussianNoise<T extends Float32Array | Float64Array>(v: T, std: number, rng: Rng): T {
  if (!(std >= 0 && Number.isFinite(std))) throw errors.option('std', 'a finite number >= 0', std);
  if (std === 0) return v;
  for (let i = 0; i < v.length; i++) v[i] += rng.normal(0, std);
  return v;
}
