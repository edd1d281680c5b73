import type { NoiseSource } from './noise-source.js';

/** The options of sample-level DP-SGD inside a node's local training. */
export interface DpSgdOptions {
  /** Per-example clipping norm C > 0 (the L2 sensitivity of one example's contribution). */
  readonly clipNorm: number;
  /** κ ≥ 0 selects normalization C·g/(‖g‖ + κ) instead of clipping; null or absent: clipping. */
  readonly normalizeKappa?: number | null;
  /** σ ≥ 0: the noise on the summed clipped gradient has standard deviation σ·C. */
  readonly noiseMultiplier: number;
  /** Poisson sampling rate q ∈ (0, 1]: each local example joins each lot independently with probability q. */
  readonly sampleRate: number;
  /**
   * Expected lot size L > 0: when set, a node with n examples samples at q = min(1, L/n)
   * (`lotSampleRate`) instead of `sampleRate`, so that each gossip peer's own accountant holds for its
   * own data set (docs/privacy.md, "DP on the gossip path"). Absent: every node samples at `sampleRate`.
   */
  readonly lotSize?: number;
  readonly noise: NoiseSource;
}
