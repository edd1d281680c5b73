/**
 * The raw N-API binding compiled from `packages/native/cpp` (types only). Every method trusts its
 * arguments beyond memory safety; use the validating adapter from `native-kernels.ts` instead.
 * Matrices are row-major `Float32Array`s as in the `Kernels` interface of `@starling/core`.
 */

/** A SIMD code path of the addon: `portable` (4-wide, any CPU), `avx2` (AVX2 + FMA), `avx512` (AVX-512 F/BW/VL). */
export type SimdLevel = 'portable' | 'avx2' | 'avx512';

/** The object `build/Release/starling_native.node` exports; one instance per thread. */
export interface NativeBinding {
  /** The SIMD level in use by this thread's addon instance. */
  simd(): SimdLevel;
  /** The levels this CPU supports and the build contains, slowest first. */
  simdLevels(): SimdLevel[];
  /** Switches this instance to `level` (`auto` = best); throws a RangeError if the CPU lacks it. */
  setSimd(level: SimdLevel | 'auto'): SimdLevel;
  /** Threads one large GEMM may use (1 or 2). */
  threads(): number;
  setThreads(threads: 1 | 2): void;

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
    /** Round a and b to bfloat16, accumulate in float32 (vdpbf16ps where the CPU has AVX-512 BF16). */
    bf16?: boolean,
  ): void;
  axpy(alpha: number, x: Float32Array, y: Float32Array): void;
  scale(alpha: number, x: Float32Array): void;
  /** `out = a − b`; all three have the same length. */
  sub(a: Float32Array, b: Float32Array, out: Float32Array): void;
  dot(x: Float32Array, y: Float32Array): number;
  sumSquares(x: Float32Array): number;
  sumAbs(x: Float32Array): number;
  /** `act` is the index of the activation in `ACTIVATIONS`. */
  biasActivation(act: number, rows: number, cols: number, z: Float32Array, bias: Float32Array, a: Float32Array): void;
  activationBackward(act: number, z: Float32Array, a: Float32Array, gradOut: Float32Array, gradIn: Float32Array): void;
  columnSums(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  softmaxCrossEntropy(
    rows: number,
    cols: number,
    logits: Float32Array,
    labels: Int32Array,
    gradScale: number,
    grad: Float32Array,
    rowLoss: Float32Array | undefined,
  ): number;
  rowSumSquares(rows: number, cols: number, x: Float32Array, out: Float32Array): void;
  scaleRows(rows: number, cols: number, x: Float32Array, scales: Float32Array): void;
  weightedSum(weights: Float64Array, vectors: readonly Float32Array[], out: Float32Array): void;
  /** `acc += weight·x` (acc float64, x's length). */
  accumulate(weight: number, x: Float32Array, acc: Float64Array): void;
  /** `out ← params − lr·(grad + l2·params)` (cpp/impl/fused.inc). */
  sgdInto(lr: number, l2: number, params: Float32Array, grad: Float32Array, out: Float32Array): void;
  /** `delta ← (params − lr·(grad + l2·params)) − base`; the first non-finite index of delta or −1. */
  sgdDelta(
    lr: number,
    l2: number,
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array,
  ): number;
  /** `sgdDelta`, then `acc += weight·delta` (float64) in the same pass; the first non-finite index of delta or −1. */
  sgdDeltaAcc(
    lr: number,
    l2: number,
    params: Float32Array,
    grad: Float32Array,
    base: Float32Array,
    delta: Float32Array | null,
    weight: number,
    acc: Float64Array,
  ): number;
  /**
   * `kind` indexes sgd, momentum, nesterov, adagrad, rmsprop, adadelta, adam, adamw. `h` holds up to
   * seven hyper-parameters, complements and bias corrections precomputed in float64 (cpp/table.h):
   * momentum/nesterov [μ]; adagrad [eps]; rmsprop/adadelta [ρ, 1−ρ, eps];
   * adam/adamw [β1, 1−β1, β2, 1−β2, eps, 1/(1−β1^t), 1/(1−β2^t)]. Unused slots are ignored.
   */
  optimizerStep(
    kind: number,
    lr: number,
    weightDecay: number,
    h0: number,
    h1: number,
    h2: number,
    h3: number,
    h4: number,
    h5: number,
    h6: number,
    params: Float32Array,
    grad: Float32Array,
    state0?: Float32Array,
    state1?: Float32Array,
  ): void;
  /**
   * Runs `iterations` rounds of independent FP32 multiply-add chains at the current SIMD level and
   * returns the flops done (negative if the checksum came out NaN). Time it to get the core's peak.
   */
  fmaPeak(iterations: number, multiplier: number): number;

  // The compressors' loops (cpp/compress-methods.cc); see CompressKernels in @starling/core.
  firstNonFinite(x: Float32Array): number;
  sumSquares8(x: Float32Array): number;
  encodeF16(x: Float32Array, out: Uint16Array): void;
  decodeF16(h: Uint16Array, out: Float32Array): number;
  encodeBf16(x: Float32Array, out: Uint16Array): void;
  decodeBf16(h: Uint16Array, out: Float32Array): number;
  packSigns(x: Float32Array, bytes: Uint8Array, offset: number): number;
  unpackSigns(bytes: Uint8Array, offset: number, scale: number, out: Float32Array): boolean;
  /** Draws from word `word` of the Philox block with counter (counterLo, counterHi) under key (k0, k1). */
  qsgdQuantizePack(
    x: Float32Array,
    norm: number,
    s: number,
    width: number,
    k0: number,
    k1: number,
    counterLo: number,
    counterHi: number,
    word: number,
    bytes: Uint8Array,
    offset: number,
  ): void;
  qsgdUnpack(bytes: Uint8Array, offset: number, norm: number, s: number, width: number, out: Float32Array): number;

  // The robust aggregators' loops (cpp/robust-*.cc); see RobustKernels in @starling/core.
  /** n ≥ 1 vectors of out.length entries. */
  coordinateMedian(vectors: readonly Float32Array[], out: Float32Array): void;
  /** n ≥ 1 vectors of out.length entries, integer trim with 2·trim < n. */
  trimmedMean(vectors: readonly Float32Array[], trim: number, out: Float32Array): void;
  /** n ≥ 1 vectors of one length; out holds at least n² entries. */
  pairwiseSquaredDistances(vectors: readonly Float32Array[], out: Float64Array): void;

  // The convolution loops (cpp/conv-methods.cc, cpp/group-norm-methods.cc); see ConvKernels in
  // @starling/core. `geometry` is [N, C, H, W, K, kh, kw, sH, sW, pH, pW, OH, OW] (a Conv2dGeometry).
  /**
   * `bf16`: the GEMMs round their operands to bfloat16 and accumulate in float32 (also for the backward).
   * `direct`: never the Winograd path (5×5 stride-1 layers take it by default; also for the backward).
   */
  conv2dForward(
    geometry: Int32Array,
    x: Float32Array,
    w: Float32Array,
    b: Float32Array,
    y: Float32Array,
    bf16?: boolean,
    direct?: boolean,
  ): void;
  conv2dBackward(
    geometry: Int32Array,
    x: Float32Array,
    w: Float32Array,
    dy: Float32Array,
    dw: Float32Array,
    db: Float32Array,
    dx: Float32Array | null,
    bf16?: boolean,
    direct?: boolean,
  ): void;
  conv2dGradSqNorms(geometry: Int32Array, x: Float32Array, dy: Float32Array, out: Float64Array): void;
  maxPool2dForward(geometry: Int32Array, x: Float32Array, y: Float32Array, argmax: Int32Array): void;
  /** Throws a RangeError if an argmax entry is outside dx. */
  maxPool2dBackward(geometry: Int32Array, dy: Float32Array, argmax: Int32Array, dx: Float32Array): void;
  avgPool2dForward(geometry: Int32Array, x: Float32Array, y: Float32Array): void;
  avgPool2dBackward(geometry: Int32Array, dy: Float32Array, dx: Float32Array): void;
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
