/**
 * The geometry of one 2-D convolution or pooling over a batch of images stored NCHW (batch, channels,
 * height, width; row-major, so example n's channel c row i column j is at `((n·C + c)·H + i)·W + j`).
 *
 * Invariants (the caller checks them; the native adapter checks them again):
 * `outHeight = ⌊(inHeight + 2·padH − kernelH)/strideH⌋ + 1 ≥ 1`, the same for the width; every field a
 * positive integer except the paddings (≥ 0); `padH < kernelH` and `padW < kernelW`. For pooling,
 * `outChannels = inChannels`.
 */
export interface Conv2dGeometry {
  /** N: images in the batch. */
  readonly batch: number;
  /** C: input channels. */
  readonly inChannels: number;
  /** H: input rows. */
  readonly inHeight: number;
  /** W: input columns. */
  readonly inWidth: number;
  /** K: output channels (filters); equals C for pooling. */
  readonly outChannels: number;
  /** kh: kernel rows. */
  readonly kernelH: number;
  /** kw: kernel columns. */
  readonly kernelW: number;
  /** Row stride ≥ 1. */
  readonly strideH: number;
  /** Column stride ≥ 1. */
  readonly strideW: number;
  /** Zero rows added above and below the input. */
  readonly padH: number;
  /** Zero columns added left and right of the input. */
  readonly padW: number;
  /** OH = ⌊(H + 2·padH − kh)/strideH⌋ + 1. */
  readonly outHeight: number;
  /** OW = ⌊(W + 2·padW − kw)/strideW⌋ + 1. */
  readonly outWidth: number;
}

/**
 * The array loops of convolutional networks: convolution, pooling and group normalization, forward and
 * backward, and the per-example gradient norms DP-SGD needs for a convolution (ghost clipping).
 * The TypeScript reference (`jsConvKernels`) is the specification; `@starling/native` implements the
 * same interface in C++ and must agree with it within the tolerances its differential test states
 * (sums are reordered by im2col/GEMM blocking, so the bits may differ). Reach it as `kernels.conv`;
 * absent means the reference.
 *
 * Conventions, as for `Kernels`: dense row-major `Float32Array`s that may be `subarray` views into a
 * flat parameter vector; outputs are overwritten (never accumulated into) unless a method says so; no
 * output aliases an input; kernels never allocate result arrays (a backend may keep scratch space).
 * Shapes below use the names of {@link Conv2dGeometry}: x is N×C×H×W, y and dy are N×K×OH×OW,
 * a convolution weight w is K×C×kh×kw and its bias b has K entries.
 */
export interface ConvKernels {
  /** `'js'` or `'native'`. */
  readonly backend: 'js' | 'native';

  /**
   * Cross-correlation, as in PyTorch's `conv2d`:
   * `y[n,k,oh,ow] = b[k] + Σ_{c,i,j} w[k,c,i,j]·x[n, c, oh·strideH − padH + i, ow·strideW − padW + j]`,
   * with x read as 0 outside the image.
   */
  conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array): void;

  /**
   * Gradients of a convolution given `dy = ∂L/∂y` (summed over the batch, not averaged):
   * `dw[k,c,i,j] = Σ_{n,oh,ow} dy[n,k,oh,ow]·x[n,c,oh·sH−pH+i, ow·sW−pW+j]`, `db[k] = Σ_{n,oh,ow} dy[n,k,oh,ow]`,
   * and, when `dx` is not null, `dx = ∂L/∂x` (N×C×H×W; every entry written).
   */
  conv2dBackward(
    g: Conv2dGeometry,
    x: Float32Array,
    w: Float32Array,
    dy: Float32Array,
    dw: Float32Array,
    db: Float32Array,
    dx: Float32Array | null,
  ): void;

  /**
   * Per-example squared gradient norms of a convolution's weight and bias, without forming per-example
   * gradients (ghost clipping for convolutions: Li et al. 2022, "Large Language Models Can Be Strong
   * Differentially Private Learners"; Bu et al. 2023, mixed ghost clipping):
   * `out[n] = ‖Σ_{oh,ow} dy_n[:,oh,ow] ⊗ U_n[oh,ow,:]‖² + ‖Σ_{oh,ow} dy_n[:,oh,ow]‖²`, where `U_n` is the
   * unfolded (im2col) input of example n, (OH·OW)×(C·kh·kw). `out` has N entries, in float64.
   */
  conv2dGradSqNorms(g: Conv2dGeometry, x: Float32Array, dy: Float32Array, out: Float64Array): void;

  /**
   * Max pooling: `y[n,c,oh,ow] = max` over the window (padding cells are −∞, never chosen); `argmax`
   * (N×C×OH×OW) receives the flat index into x of the chosen entry, the first maximum in row-major window
   * order (PyTorch's tie rule). A NaN in the window is propagated (chosen).
   */
  maxPool2dForward(g: Conv2dGeometry, x: Float32Array, y: Float32Array, argmax: Int32Array): void;

  /** `dx` (N×C×H×W) = 0, then `dx[argmax[t]] += dy[t]` for every output t (overlapping windows add up). */
  maxPool2dBackward(g: Conv2dGeometry, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void;

  /**
   * Average pooling over kh·kw cells, padding cells counted as zeros (PyTorch's `count_include_pad=True`):
   * `y[n,c,oh,ow] = (1/(kh·kw))·Σ_{i,j} x[n,c,oh·sH−pH+i, ow·sW−pW+j]`.
   */
  avgPool2dForward(g: Conv2dGeometry, x: Float32Array, y: Float32Array): void;

  /** The adjoint of `avgPool2dForward`: `dx` (N×C×H×W) is overwritten. */
  avgPool2dBackward(g: Conv2dGeometry, dy: Float32Array, dx: Float32Array): void;

  /**
   * Group normalization (Wu & He 2018) of x, N×C×S with S = H·W, in G groups of C/G channels:
   * per (n, group) μ and σ² (biased) over its (C/G)·S entries, `rstd = 1/√(σ² + eps)`,
   * `y[n,c,s] = γ[c]·(x[n,c,s] − μ)·rstd + β[c]`. `mean` and `rstd` (N×G) are written for the backward.
   * C must be divisible by G. Statistics are accumulated in float64.
   */
  groupNormForward(
    batch: number,
    channels: number,
    spatial: number,
    groups: number,
    eps: number,
    x: Float32Array,
    gamma: Float32Array,
    beta: Float32Array,
    y: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
  ): void;

  /**
   * The backward of `groupNormForward` given `dy`: writes `dx` (N×C×S), `dgamma[c] = Σ_{n,s} dy·x̂` and
   * `dbeta[c] = Σ_{n,s} dy` (C entries each), with x̂ recomputed from x, `mean` and `rstd`.
   */
  groupNormBackward(
    batch: number,
    channels: number,
    spatial: number,
    groups: number,
    x: Float32Array,
    gamma: Float32Array,
    mean: Float32Array,
    rstd: Float32Array,
    dy: Float32Array,
    dx: Float32Array,
    dgamma: Float32Array,
    dbeta: Float32Array,
  ): void;
}
