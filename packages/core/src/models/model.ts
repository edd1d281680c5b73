import type { Kernels } from '../kernels/kernels.js';
import type { Layout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import type { LossKind, Targets } from './losses.js';

/** How `clippedGradSum` bounds each example's gradient (DP-SGD). */
export interface PerExampleClip {
  /** The clipping norm C > 0; Infinity leaves gradients unclipped. */
  readonly clipNorm: number;
  /** κ of the normalization variant C·g/(‖g‖ + κ); null or absent: clipping g·min(1, C/‖g‖). */
  readonly normalizeKappa?: number | null;
}

/**
 * A trainable network over one flat parameter vector (see {@link Layout}): what trainers, DP-SGD,
 * evaluation and the runtimes call. `DenseNet` (linear, logistic, softmax, mlp) and `Sequential`
 * (convolutional networks) implement it. Examples are rows of `inputs` floats (an image is its C×H×W
 * values, row-major). Work buffers are the model's own and cached per batch size, so a step allocates
 * nothing after the first; a model is therefore used by one thread at a time.
 */
export interface Model {
  /** Where each tensor lives in the flat vector (`layer{i}.weight`, `layer{i}.bias`, ...). */
  readonly layout: Layout;
  /** Features per example (the product of the input shape). */
  readonly inputs: number;
  /** Output width: classes for softmax_ce, 1 for bce/hinge/scalar regression. */
  readonly outputs: number;

  /**
   * Floats of work buffers (activations, deltas, layer scratch) the model holds once it has trained at
   * `batch` examples per step, for the memory pre-flight; absent: negligible next to the parameters.
   */
  workFloats?(batch: number): number;

  /** Writes initial parameters into `params` (length `layout.size`), drawing from `rng` only. */
  init(params: Float32Array, rng: Rng): void;

  /**
   * Forward pass for `batch` examples `x` (batch×inputs); returns the outputs (batch×outputs, a view of
   * an internal buffer valid until the next call with this batch size).
   */
  forward(kernels: Kernels, params: Float32Array, x: Float32Array, batch: number): Float32Array;

  /**
   * Loss and gradient of the mean loss over the batch: writes ∂/∂θ of (1/batch)·Σ loss into `grad`
   * (length `layout.size`) and returns the summed (not mean) loss of the batch.
   */
  lossAndGrad(
    kernels: Kernels,
    loss: LossKind,
    params: Float32Array,
    x: Float32Array,
    y: Targets,
    batch: number,
    grad: Float32Array,
  ): number;

  /**
   * The DP-SGD gradient of a lot (Abadi et al. 2016): writes Σ_i s_i·∂ℓ_i/∂θ into `grad` with
   * s_i = min(1, C/‖g_i‖) (clipping) or C/(‖g_i‖ + κ) (normalization, `clip.normalizeKappa`), without
   * materializing per-example gradients. A sum, not a mean. Returns the summed loss.
   * @param norms when given (length ≥ batch), receives ‖g_i‖ before scaling, in float64
   */
  clippedGradSum(
    kernels: Kernels,
    loss: LossKind,
    params: Float32Array,
    x: Float32Array,
    y: Targets,
    batch: number,
    clip: PerExampleClip,
    grad: Float32Array,
    norms?: Float64Array,
  ): number;
}
