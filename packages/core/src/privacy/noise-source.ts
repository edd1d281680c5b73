import { randomFillSync } from 'node:crypto';
import { errors } from '../errors.js';
import type { Rng } from '../rng/rng.js';
import { addGaussianNoise } from './gaussian-noise.js';

/**
 * Where DP noise comes from. `seeded`: the run's Philox streams, so a seed reproduces every draw (a
 * simulation: anyone who knows the seed can subtract the noise). `secure`: the operating system's
 * cryptographic generator through node:crypto, so results are no longer reproducible.
 */
export type NoiseSource = 'seeded' | 'secure';

/** The noise sources, for validation and docs. */
export const NOISE_SOURCES: readonly NoiseSource[] = ['seeded', 'secure'];

/** How `meta.json` describes a noise source next to the ε it was spent with. */
export function describeNoiseSource(source: NoiseSource): string {
  return source === 'seeded'
    ? 'seeded Philox4x32-10 streams: a reproducible simulation, not a deployment (the seed reveals the noise)'
    : 'node:crypto randomFillSync (cryptographic, not reproducible); Gaussians by Box-Muller in float64';
}

const TWO_POW_53 = 9007199254740992;

/** A float64 uniform on [0, 1) from two 32-bit words (53 random bits). */
function uniform53(hi: number, lo: number): number {
  return ((hi >>> 5) * 67108864 + (lo >>> 6)) / TWO_POW_53;
}

/**
 * Adds N(0, std²) to every entry of `v` from the cryptographic generator (Box–Muller on 53-bit
 * uniforms, both outputs used). Like every floating-point sampler it is not hardened against the
 * attacks on the low-order bits of noisy values (Mironov 2012); it makes the noise unpredictable.
 */
export function addSecureGaussianNoise(v: Float32Array | Float64Array, std: number): void {
  if (!(std >= 0 && Number.isFinite(std))) throw errors.option('std', 'a finite number >= 0', std);
  if (std === 0) return;
  const words = new Uint32Array(4 * 1024);
  for (let start = 0; start < v.length; start += 2048) {
    const count = Math.min(2048, v.length - start);
    randomFillSync(words); // starling-allow-entropy: opt-in secure DP noise
    for (let k = 0; k < count; k += 2) {
      const u1 = 1 - uniform53(words[2 * k], words[2 * k + 1]);
      const u2 = uniform53(words[2 * k + 2], words[2 * k + 3]);
      const r = std * Math.sqrt(-2 * Math.log(u1));
      v[start + k] += r * Math.cos(2 * Math.PI * u2);
      if (k + 1 < count) v[start + k + 1] += r * Math.sin(2 * Math.PI * u2);
    }
  }
}

/**
 * Adds N(0, std²) noise to `v` in place from `source`: `rng` for `seeded` (the same stream gives the
 * same noise), the cryptographic generator for `secure` (`rng` unused). `std` is a standard deviation,
 * σ·C for DP-SGD and z·S for client-level DP, never a variance.
 */
export function addNoise(v: Float32Array | Float64Array, std: number, source: NoiseSource, rng: Rng): void {
  if (source === 'seeded') addGaussianNoise(v, std, rng);
  else if (source === 'secure') addSecureGaussianNoise(v, std);
  else throw errors.unknownKind('privacy.noise', String(source), NOISE_SOURCES);
}
