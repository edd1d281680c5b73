import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { Rng } from '../rng/rng.js';
import { clipToNorm } from './clip.js';
import { addNoise, type NoiseSource } from './noise-source.js';

/**
 * What a node does to its round update before sending it, for client-level DP. `client` mode: clip
 * to S, the server adds the noise. `local` mode: clip to S and add N(0, (zS)²) here, so the update
 * is private even from the server.
 */
export interface UpdatePrivacy {
  /** S > 0: the L2 norm each update is clipped to. */
  readonly clipNorm: number;
  /** z ≥ 0: local noise std is z·S (0 in `client` mode, where the server adds the noise). */
  readonly noiseMultiplier: number;
  readonly noise: NoiseSource;
}

/**
 * Clips a client's update Δ to L2 norm S in place and, for local DP, adds N(0, (zS)²) per coordinate
 * from `rng` (the node's `fork('dp-local', round)` stream) or the secure source. Returns the clip scale.
 * Every runtime calls this inside the node's update path, so they all send the same bytes.
 */
export function privatizeUpdate(delta: Float32Array, p: UpdatePrivacy, rng: Rng): number {
  if (!(p.noiseMultiplier >= 0 && Number.isFinite(p.noiseMultiplier))) {
    throw errors.option('privacy.noiseMultiplier', 'a finite number >= 0', p.noiseMultiplier);
  }
  const scale = clipToNorm(delta, p.clipNorm);
  if (p.noiseMultiplier > 0) addNoise(delta, p.noiseMultiplier * p.clipNorm, p.noise, rng);
  return scale;
}

/** The central Gaussian step of client-level DP-FedAvg for one round. */
export interface CentralNoise {
  /** Standard deviation of the noise added to the sum of clipped updates (z·S for a full round). */
  readonly std: number;
  /** What the noisy sum is divided by: the fixed expected number of clients q·N. */
  readonly denominator: number;
  readonly noise: NoiseSource;
}

/**
 * The fixed-denominator estimator of McMahan, Ramage, Talwar, Zhang 2018 ("Learning Differentially
 * Private Recurrent Language Models", f̃_f with unit weights): out = (Σ_k Δ_k + N(0, std²·I)) / D,
 * summing the (already clipped) updates in the given order. D = q·N does not depend on who took part,
 * so one client changes the output by at most S/D and the noise is std/D on the average. With no
 * updates at all the output is pure noise, which is what keeps an empty round private.
 */
export function noisyMeanOfClipped(
  kernels: Kernels,
  updates: readonly Float32Array[],
  central: CentralNoise,
  rng: Rng,
  out: Float32Array,
): void {
  if (!(central.denominator > 0)) throw errors.option('denominator', 'a number > 0', central.denominator);
  if (updates.length === 0) out.fill(0);
  else kernels.weightedSum(new Float64Array(updates.length).fill(1), updates, out);
  addNoise(out, central.std, central.noise, rng);
  kernels.scale(1 / central.denominator, out);
}
