import type { ConvKernels } from '../../kernels/conv-kernels.js';
import type { Activation, Kernels } from '../../kernels/kernels.js';
import type { Rng } from '../../rng/rng.js';
import type { InitKind } from '../init.js';

/**
 * The per-example shape of a layer's input or output: C×H×W, row-major. `flat` marks a vector (after
 * `flatten` or `dense`; then H = W = 1), which convolution and pooling refuse.
 */
export interface FeatureShape {
  readonly c: number;
  readonly h: number;
  readonly w: number;
  readonly flat: boolean;
}

/** Entries per example of a shape. */
export function shapeSize(s: FeatureShape): number {
  return s.c * s.h * s.w;
}

/** A shape as the errors and docs print it: `32×14×14`, or `[512]` when flat. */
export function showShape(s: FeatureShape): string {
  return s.flat ? `[${s.c}]` : `${s.c}×${s.h}×${s.w}`;
}

/** The two kernel tables a layer runs on. */
export interface LayerKernels {
  readonly k: Kernels;
  readonly conv: ConvKernels;
}

/** A layer's parameter views inside a flat vector (parameters or gradient); absent for parameter-free layers. */
export interface LayerParams {
  readonly weight: Float32Array;
  readonly bias: Float32Array;
}

/**
 * Scratch a layer keeps from its forward to its backward, per batch: `f32` and `i32` of
 * `batch·auxF32` and `batch·auxI32` entries (argmax of max pooling, group statistics, ...).
 */
export interface LayerAux {
  readonly f32: Float32Array;
  readonly i32: Int32Array;
}

/**
 * One layer of a `Sequential` network. The network applies `activation` after `forward` (through the
 * `biasActivation` / `activationBackward` kernels), so a layer computes only its pre-activation z.
 * Every method takes `batch` examples stored one after another (batch×size of its shape).
 */
export interface Layer {
  /** The config `type` (`conv2d`, `dense`, ...). */
  readonly type: string;
  readonly input: FeatureShape;
  readonly output: FeatureShape;
  /** Shapes of `layer{i}.weight` and `layer{i}.bias`; null for layers without parameters. */
  readonly tensors: { readonly weight: readonly number[]; readonly bias: readonly number[] } | null;
  readonly activation: Activation;
  /** Per-example float32 / int32 scratch entries the forward leaves for the backward. */
  readonly auxF32: number;
  readonly auxI32: number;
  /** Floating-point operations of one example's forward (a multiply-add counts 2). */
  readonly flops: number;
  /** Fills the weight (the bias starts at 0, γ at 1 for group norm). */
  init(p: LayerParams, kind: InitKind, rng: Rng): void;
  /** z = layer(x): x is batch×input, z is batch×output. */
  forward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    z: Float32Array,
    aux: LayerAux,
  ): void;
  /**
   * Given dz = ∂L/∂z, overwrites the parameter gradient `g` (when the layer has parameters) and, when
   * `dx` is not null, writes dx = ∂L/∂x. `x` and `aux` are what the forward saw and left.
   */
  backward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    dx: Float32Array | null,
    g: LayerParams | null,
    aux: LayerAux,
  ): void;
  /**
   * Adds each example's squared gradient norm of this layer's parameters, ‖∂ℓ_n/∂θ_layer‖², to `sq[n]`
   * (ghost clipping: never forms the per-example gradients of the whole batch). Parameter-free layers
   * omit it.
   */
  addSqNorms?(
    kern: LayerKernels,
    p: LayerParams,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    aux: LayerAux,
    sq: Float64Array,
  ): void;
}
