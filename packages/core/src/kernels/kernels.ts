import type { CompressKernels } from '../compress/compress-kernels.js';
import type { RobustKernels } from '../robust/robust-kernels.js';
import type { ConvKernels } from './conv-kernels.js';

/**
 * The numeric kernels every model, optimizer and aggregator is written against. Two backends implement
 * it: `kernels/js.ts` (the readable reference and the specification) and `@starling/native` (C++ SIMD).
 *
 * Conventions for every method:
 * - Matrices are dense, row-major `Float32Array`s; a matrix "m×k" has `m·k` entries, row i at `[i·k, (i+1)·k)`.
 *   Arguments may be `subarray` views into a larger flat parameter vector.
 * - Kernels write into caller-owned output buffers and never allocate result arrays.
 * - Outputs must not alias inputs unless the method says so.
 * - Callers validate shapes; a kernel may assume its arguments are consistent (the native adapter checks them).
 */
export interface Kernels {
  /** `'js'` or `'native'`; written into each run's metadata. */
  readonly backend: 'js' | 'native';

  /**
   * General matrix product `C ← alpha·op(A)·op(B) + beta·C` with `C` m×n, `op(A)` m×k, `op(B)` k×n.
   * `op(X)` is `Xᵀ` when the matching flag is set: A is then stored k×m, B stored n×k.
   * With `beta = 0`, C's previous contents are ignored (even NaN).
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: Float32Array,
    b: Float32Array,
    beta: number,
    c: Float32Array,
  ): void;

  /** `y ← alpha·x + y`, elementwise; equal lengths. */
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  /**
   * `out = a − b`, elementwise, one float32 subtraction per entry (so every backend gives the same bits);
   * equal lengths; `out` may be `a` or `b` (the very same view) but must not partly overlap them.
   */
  sub(a: Float32Array, b: Float32Array, out: Float32Array): void;
  /** `x ← alpha·x`. */
  scale(alpha: number, x: Float32Array): void;
  /** Σ x_i y_i, accumulated in at least float64-equivalent precision per block. */
  dot(x: Float32Array, y: Float32Array): number;
  /** Σ x_i² (the squared Euclidean norm). */
  sumSquares(x: Float32Array): number;
  /** Σ |x_i| (the L1 norm). */
  sumAbs(x: Float32Array): number;

  /**
   * Fused forward of a dense layer's non-linearity: `z[r,:] += bias` for every row, then
   * `a = act(z)`. `z` is rows×cols and is updated in place (pre-activation kept for backward);
   * `a` may be the same array as `z` only when `act` is `'identity'`.
   */
  biasActivation(
    act: Activation,
    rows: number,
    cols: number,
    z: Float32Array,
    bias: Float32Array,
    a: Float32Array,
  ): void;

  /**
   * Backward of an activation: `gradIn[i] = gradOut[i]·act'(z_i)`, given the pre-activation `z` and the
   * activation output `a = act(z)` (tanh, sigmoid and elu use `a` for their derivative).
   * `gradIn` may alias `gradOut`.
   */
  activationBackward(
    act: Activation,
    z: Float32Array,
    a: Float32Array,
    gradOut: Float32Array,
    gradIn: Float32Array,
  ): void;

  /** `out[j] = Σ_r x[r, j]` for an rows×cols matrix (the bias gradient); `out` has `cols` entries. */
  columnSums(rows: number, cols: number, x: Float32Array, out: Float32Array): void;

  /**
   * Fused softmax + cross-entropy over rows×cols logits with integer labels in [0, cols).
   * Writes `grad[r,:] = (softmax(logits[r,:]) − onehot(label_r))·gradScale` and returns the summed loss
   * Σ_r −log softmax(logits[r,:])[label_r] (a sum, not a mean). `grad` may alias `logits`.
   * `rowLoss`, when given, receives each row's loss.
   */
  softmaxCrossEntropy(
    rows: number,
    cols: number,
    logits: Float32Array,
    labels: Int32Array,
    gradScale: number,
    grad: Float32Array,
    rowLoss?: Float32Array,
  ): number;

  /** `out[r] = Σ_j x[r, j]²` for an rows×cols matrix: per-example squared norms. */
  rowSumSquares(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  /** `x[r, :] *= scales[r]` for an rows×cols matrix (a row-scaled GEMM is this, then `gemm`). */
  scaleRows(rows: number, cols: number, x: Float32Array, scales: Float32Array): void;

  /**
   * `out = Σ_i weights[i]·vectors[i]`, summed in index order (fixed order keeps results independent of
   * message arrival). All vectors have `out.length` entries; `out` may not alias any input.
   */
  weightedSum(weights: ArrayLike<number>, vectors: readonly Float32Array[], out: Float32Array): void;

  /**
   * `acc[i] += weight·x[i]` in float64, the same per-entry operation `weightedSum` does for each vector:
   * starting from `acc` = 0, accumulating the vectors one call each in index order and rounding `acc` to
   * float32 (`out.set(acc)`) gives exactly `weightedSum`'s bits. Lets a reduction start before every
   * vector exists (the round machine's streaming mean). `acc.length` = `x.length`. Absent: callers fall
   * back to `weightedSum` (a backend that cannot promise the same bits must leave it out).
   */
  accumulate?(weight: number, x: Float32Array, acc: Float64Array): void;

  /** One optimizer update over flat vectors; see {@link OptimizerStep}. */
  optimizerStep(step: OptimizerStep, params: Float32Array, grad: Float32Array, state: readonly Float32Array[]): void;

  /**
   * Plain SGD out of place: `out ← params − lr·(grad + l2·params)`, `params` untouched: exactly the bits
   * `out.set(params)` then `optimizerStep({ kind: 'sgd', lr, weightDecay: l2 }, out, grad, [])` give
   * (local training's first step reads the global model and writes the local one, saving the copy).
   * Equal lengths; `params`, `grad` and `out` pairwise disjoint. Absent: callers copy and step.
   */
  sgdInto?(lr: number, l2: number, params: Float32Array, grad: Float32Array, out: Float32Array): void;
  /**
   * Local training's last plain-SGD step fused with the update and its finite scan, in one pass:
   * `delta ← (params − lr·(grad + l2·params)) − base`, `params` untouched; returns the first index whose
   * entry of `delta` is NaN or ±Inf, or −1. Exactly the bits of `optimizerStep` (sgd) on `params`, then
   * `sub(params, base, delta)`, then `firstNonFinite(delta)`. Equal lengths; `base` may be `params` itself
   * (a one-step round), the arrays are otherwise pairwise disjoint. Absent: callers step, subtract and scan.
   */
  sgdDelta?(
    lr: number,
    l2: number,
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array,
  ): number;

  /**
   * {@link sgdDelta}, then `accumulate(weight, delta, acc)`, in one pass: the same bits in `delta` and
   * `acc` (and the same return value) as the two calls. With a NaN/±Inf entry (return ≥ 0) `acc` holds a
   * non-finite entry too and must be discarded. `acc` is float64 of `params`' length, disjoint from the
   * rest. `delta` null: Δ is only added (and scanned), not written. Absent: callers make the two calls. The streaming mean's add for a client whose update is the
   * next in order (McMahan et al. 2017's weighted average), done while Δ is still in registers.
   */
  sgdDeltaAcc?(
    lr: number,
    l2: number,
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array | null,
    weight: number,
    acc: Float64Array,
  ): number;

  /** The compressors' array loops; absent means the TypeScript reference (`jsCompressKernels`). */
  readonly compress?: CompressKernels;

  /** The robust aggregators' selection and distance loops; absent means the TypeScript reference (`jsRobustKernels`). */
  readonly robust?: RobustKernels;

  /** Convolution, pooling and group-norm loops; absent means the TypeScript reference (`jsConvKernels`). */
  readonly conv?: ConvKernels;

  /**
   * The same backend with its GEMMs (`gemm` and the convolutions' forward and backward in `conv`) at
   * `precision` (`model.precision`): `bf16` rounds both GEMM operands to bfloat16 (round to nearest
   * even) and accumulates their exact products in float32; every other kernel is unchanged. `fp32`
   * returns these kernels. Absent: the backend has no reduced-precision GEMM, and models emulate it
   * with `bf16GemmKernels` (models/bf16-gemm.ts).
   */
  atPrecision?(precision: 'fp32' | 'bf16'): Kernels;
}

/** Elementwise non-linearities. leaky_relu has slope 0.01 for x < 0; elu has alpha 1. */
export type Activation = 'identity' | 'relu' | 'leaky_relu' | 'elu' | 'tanh' | 'sigmoid';

/** The activations, in the order the native addon numbers them. */
export const ACTIVATIONS: readonly Activation[] = ['identity', 'relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid'];

/**
 * The hyper-parameters of one optimizer update. `lr` is the learning rate for this step (schedules are
 * applied by the caller); `weightDecay` is L2 added to the gradient (`g + wd·θ`) except for `adamw`,
 * where it is decoupled (`θ ← θ − lr·wd·θ`, Loshchilov & Hutter 2019).
 *
 * State vectors (each the length of `params`), in order:
 * - sgd: none. θ ← θ − lr·g
 * - momentum (heavy ball, Polyak 1964; PyTorch form): v ← μv + g; θ ← θ − lr·v. [v]
 * - nesterov (Sutskever et al. 2013; PyTorch form): v ← μv + g; θ ← θ − lr·(g + μv). [v]
 * - adagrad (Duchi et al. 2011): s ← s + g²; θ ← θ − lr·g/(√s + eps). [s]
 * - rmsprop (Tieleman & Hinton 2012): s ← ρs + (1−ρ)g²; θ ← θ − lr·g/(√s + eps). [s]
 * - adadelta (Zeiler 2012): s ← ρs + (1−ρ)g²; d = √(u + eps)/√(s + eps)·g; u ← ρu + (1−ρ)d²; θ ← θ − lr·d. [s, u]
 * - adam / adamw (Kingma & Ba 2015): m ← β1m + (1−β1)g; v ← β2v + (1−β2)g²;
 *   θ ← θ − lr·(m/(1−β1^t))/(√(v/(1−β2^t)) + eps). [m, v]; `t` counts from 1.
 */
export type OptimizerStep =
  | { kind: 'sgd'; lr: number; weightDecay: number }
  | { kind: 'momentum' | 'nesterov'; lr: number; weightDecay: number; momentum: number }
  | { kind: 'adagrad'; lr: number; weightDecay: number; eps: number }
  | { kind: 'rmsprop'; lr: number; weightDecay: number; rho: number; eps: number }
  | { kind: 'adadelta'; lr: number; weightDecay: number; rho: number; eps: number }
  | { kind: 'adam' | 'adamw'; lr: number; weightDecay: number; beta1: number; beta2: number; eps: number; t: number };

/** How many state vectors each optimizer kind keeps. */
export const OPTIMIZER_STATE_SLOTS: Readonly<Record<OptimizerStep['kind'], number>> = {
  sgd: 0,
  momentum: 1,
  nesterov: 1,
  adagrad: 1,
  rmsprop: 1,
  adadelta: 2,
  adam: 2,
  adamw: 2,
};
