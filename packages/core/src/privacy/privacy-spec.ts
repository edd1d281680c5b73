import type { NoiseSource } from './noise-source.js';
import type { RdpConversion } from './rdp-conversion.js';

/**
 * Where differential privacy is applied in a run:
 * - `dpsgd`: sample-level DP-SGD inside each node's local training (Abadi et al. 2016); the guarantee
 *   is per training example.
 * - `client`: client-level DP-FedAvg (McMahan et al. 2018): nodes clip their update, the server adds
 *   Gaussian noise to the sum; the guarantee is per client, against anyone who sees the global models.
 * - `local`: each client clips and noises its own update; the guarantee is per client, also against
 *   the server.
 */
export type PrivacyMode = 'dpsgd' | 'client' | 'local';

/** What to do in `client` mode when fewer sampled clients reply than were sampled. */
export type ShortfallPolicy = 'skip' | 'recalibrate';

/** What to do when the planned steps would exceed `targetEpsilon`. */
export type OverBudgetPolicy = 'refuse' | 'stop';

/** The `privacy` section of an experiment (docs/config.md, docs/privacy.md). */
export interface PrivacySpec {
  readonly mode: PrivacyMode;
  /** δ ∈ (0, 1) of the (ε, δ) guarantee. */
  readonly delta: number;
  /** The ε budget; with no `noiseMultiplier`, σ is calibrated so the planned steps spend at most this. */
  readonly targetEpsilon?: number;
  /** σ (DP-SGD) or z (client, local): noise std divided by the clipping norm. */
  readonly noiseMultiplier?: number;
  /** C (DP-SGD, per example) or S (client, local, per update). */
  readonly clipNorm: number;
  /** DP-SGD only: normalize C·g/(‖g‖ + κ) instead of clipping. */
  readonly normalizeKappa?: number;
  /** DP-SGD only: the Poisson lot rate q (default: batch size / smallest node size). */
  readonly sampleRate?: number;
  readonly noise?: NoiseSource;
  readonly onShortfall?: ShortfallPolicy;
  readonly overBudget?: OverBudgetPolicy;
  readonly conversion?: RdpConversion;
  readonly orders?: readonly number[];
}
