import { errors } from '../errors.js';
import type { Kernels } from '../kernels/kernels.js';
import type { LossKind } from '../models/losses.js';
import type { Model } from '../models/model.js';
import type { Rng } from '../rng/rng.js';
import { type Batch, gather, makeBatch, type TrainingData } from '../train/batch.js';
import type { LocalPlan, StepOptimizer } from '../train/local-training.js';
import type { DpSgdOptions } from './dp-sgd-options.js';
import { addNoise } from './noise-source.js';

/** Checks DP-SGD options, naming `privacy.*` paths. Infinity is allowed for C only without noise. */
export function checkDpSgdOptions(o: DpSgdOptions): void {
  if (!(o.clipNorm > 0)) throw errors.option('privacy.clipNorm', 'a number > 0', o.clipNorm);
  if (!(o.noiseMultiplier >= 0 && Number.isFinite(o.noiseMultiplier))) {
    throw errors.option('privacy.noiseMultiplier', 'a finite number >= 0', o.noiseMultiplier);
  }
  if (o.noiseMultiplier > 0 && !Number.isFinite(o.clipNorm)) {
    throw errors.option('privacy.clipNorm', 'finite when noise is added', o.clipNorm);
  }
  if (!(o.sampleRate > 0 && o.sampleRate <= 1)) throw errors.option('privacy.sampleRate', 'in (0, 1]', o.sampleRate);
  if (o.lotSize !== undefined && !(o.lotSize > 0 && Number.isFinite(o.lotSize))) {
    throw errors.option('privacy.lotSize', 'a finite number > 0', o.lotSize);
  }
}

/**
 * The Poisson rate at which a node with `examples` examples draws lots of expected size `lotSize`:
 * min(1, lotSize / examples). The node and the accountant both call this, so they agree to the bit.
 */
export function lotSampleRate(lotSize: number, examples: number): number {
  if (!(examples > 0)) throw errors.option('privacy', 'a node with examples to draw lots from', examples);
  return Math.min(1, lotSize / examples);
}

/**
 * The DP-SGD steps a node takes per round: `plan.epochs / q` lots (an epoch is 1/q lots in
 * expectation), at least 1, capped by `plan.maxSteps`. The accountant charges this many steps per round.
 */
export function dpSgdStepsPerRound(plan: LocalPlan, sampleRate: number): number {
  const steps = Math.max(1, Math.round(plan.epochs / sampleRate));
  return Math.min(steps, plan.maxSteps ?? steps);
}

/**
 * Poisson sampling of a lot: each entry of `indices` joins independently with probability q, decided
 * in index order from `rng`. Writes the chosen entries, in order, to the front of `out` (length ≥
 * indices.length) and returns how many; the count varies, which is what the RDP bound assumes.
 */
export function poissonLot(indices: ArrayLike<number>, q: number, rng: Rng, out: Int32Array): number {
  let count = 0;
  for (let i = 0; i < indices.length; i++) {
    if (rng.uniform() < q) out[count++] = indices[i];
  }
  return count;
}

/** What one round of DP-SGD did on a node. */
export interface DpSgdRound {
  /** Summed (unclipped) loss of every example in every lot. */
  readonly lossSum: number;
  /** Examples drawn over all lots. */
  readonly seen: number;
  readonly steps: number;
}

/**
 * Sample-level DP-SGD (Abadi et al. 2016, "Deep Learning with Differential Privacy", Algorithm 1) for
 * one node. Each step draws a Poisson lot at rate q from `rng.fork('lot', round).fork('step', t)`,
 * sums the clipped per-example gradients (`Model.clippedGradSum`), adds N(0, (σC)²) noise to the
 * sum (from `rng.fork('dp-noise', round).fork('step', t)` or the secure source) and divides by the
 * expected lot size q·n (fixed, so an empty lot is a pure-noise step), then calls the optimizer. With
 * `lotSize` set, q is the node's own min(1, lotSize/n) (`lotSampleRate`).
 */
export class DpSgdTrainer {
  private lot = new Int32Array(0);
  private batch: Batch | null = null;

  constructor(
    private readonly model: Model,
    private readonly loss: LossKind,
    private readonly kernels: Kernels,
    private readonly data: TrainingData,
    private readonly options: DpSgdOptions,
  ) {
    checkDpSgdOptions(options);
  }

  /**
   * Runs one round's steps for the node with examples `indices` on `local` (updated in place, stepped
   * by the node's `optimizer`), using `grad` as scratch.
   */
  round(
    indices: Int32Array,
    optimizer: StepOptimizer,
    local: Float32Array,
    grad: Float32Array,
    round: number,
    plan: LocalPlan,
    rng: Rng,
  ): DpSgdRound {
    const { clipNorm, noiseMultiplier, noise, lotSize } = this.options;
    const sampleRate = lotSize === undefined ? this.options.sampleRate : lotSampleRate(lotSize, indices.length);
    const clip = { clipNorm, normalizeKappa: this.options.normalizeKappa ?? null };
    const expected = sampleRate * indices.length;
    const std = noiseMultiplier === 0 ? 0 : noiseMultiplier * clipNorm;
    const steps = dpSgdStepsPerRound(plan, sampleRate);
    const lots = rng.fork('lot', round);
    const noises = rng.fork('dp-noise', round);
    if (this.lot.length < indices.length) this.lot = new Int32Array(indices.length);
    let lossSum = 0;
    let seen = 0;
    for (let t = 0; t < steps; t++) {
      const count = poissonLot(indices, sampleRate, lots.fork('step', t), this.lot);
      if (this.batch === null || this.batch.capacity < count) {
        this.batch = makeBatch(this.data, Math.max(count, Math.ceil(1.25 * (this.batch?.capacity ?? 0))));
      }
      const { x, y } = gather(this.data, this.lot, 0, count, this.batch);
      lossSum += this.model.clippedGradSum(this.kernels, this.loss, local, x, y, count, clip, grad);
      addNoise(grad, std, noise, noises.fork('step', t));
      this.kernels.scale(1 / expected, grad);
      optimizer.step(local, grad);
      seen += count;
    }
    return { lossSum, seen, steps };
  }
}

export type { DpSgdOptions };
