import { compressKernelsOf } from '../compress/compress-kernels.js';
import { jsConvKernels } from '../kernels/conv-js.js';
import type { Conv2dGeometry, ConvKernels } from '../kernels/conv-kernels.js';
import type { Kernels } from '../kernels/kernels.js';

/** Rounds float32 operands to bfloat16 (round to nearest even, saturating) into reusable scratch slots. */
class Bf16Operands {
  private half = new Uint16Array(0);
  private readonly slots: Float32Array[] = [new Float32Array(0), new Float32Array(0), new Float32Array(0)];

  constructor(private readonly k: Kernels) {}

  /** The first `n` entries of `x` rounded to bfloat16, in slot `slot` (valid until its next use). */
  round(slot: number, x: Float32Array, n: number): Float32Array {
    if (this.half.length < n) this.half = new Uint16Array(Math.ceil(n * 1.25));
    if (this.slots[slot].length < n) this.slots[slot] = new Float32Array(Math.ceil(n * 1.25));
    const h = this.half.subarray(0, n);
    const out = this.slots[slot].subarray(0, n);
    const codec = compressKernelsOf(this.k);
    codec.encodeBf16(x.subarray(0, n), h);
    codec.decodeBf16(h, out);
    return out;
  }
}

const inputSize = (g: Conv2dGeometry) => g.batch * g.inChannels * g.inHeight * g.inWidth;
const outputSize = (g: Conv2dGeometry) => g.batch * g.outChannels * g.outHeight * g.outWidth;
const weightSize = (g: Conv2dGeometry) => g.outChannels * g.inChannels * g.kernelH * g.kernelW;

/**
 * `base` with a bfloat16 GEMM emulated in TypeScript, for backends without `atPrecision` (the js
 * reference): `gemm` and the convolutions' forward and backward round copies of their operands (A and B;
 * x, w and dy) to bfloat16 (round to nearest even) and call `base` on them. A product of two bfloat16
 * values is exact in float32, so this is the native bf16 GEMM's arithmetic up to the order of the sums
 * (the reference convolutions sum in float64); every other kernel, and the ghost-clipping norms, are
 * `base`'s. Parameters and outputs stay float32.
 */
export function bf16GemmKernels(base: Kernels): Kernels {
  const ops = new Bf16Operands(base);
  const conv: ConvKernels = base.conv ?? jsConvKernels;
  // Prototype chains, not spreads: `base` may be a Proxy or inherit its methods (explain's counting kernels).
  const bf16Conv: ConvKernels = Object.assign(Object.create(conv) as ConvKernels, {
    conv2dForward(g: Conv2dGeometry, x: Float32Array, w: Float32Array, b: Float32Array, y: Float32Array) {
      conv.conv2dForward(g, ops.round(0, x, inputSize(g)), ops.round(1, w, weightSize(g)), b, y);
    },
    conv2dBackward(
      g: Conv2dGeometry,
      x: Float32Array,
      w: Float32Array,
      dy: Float32Array,
      dw: Float32Array,
      db: Float32Array,
      dx: Float32Array | null,
    ) {
      const rx = ops.round(0, x, inputSize(g));
      conv.conv2dBackward(g, rx, ops.round(1, w, weightSize(g)), ops.round(2, dy, outputSize(g)), dw, db, dx);
    },
  });
  const kernels: Kernels = Object.assign(Object.create(base) as Kernels, {
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
    ) {
      base.gemm(transA, transB, m, n, k, alpha, ops.round(0, a, m * k), ops.round(1, b, k * n), beta, c);
    },
    conv: bf16Conv,
    atPrecision: (p: 'fp32' | 'bf16') => (p === 'bf16' ? kernels : base),
  });
  return kernels;
}

const emulated = new WeakMap<Kernels, Kernels>();

/**
 * The kernels a model with `model.precision` runs its GEMMs on: `kernels` itself for fp32 (so fp32 runs
 * keep their bits); for bf16 the backend's own bf16 GEMM (`kernels.atPrecision('bf16')`: the native
 * addon's) or, when it has none, {@link bf16GemmKernels} over it (one per `kernels` object).
 */
export function kernelsAtPrecision(kernels: Kernels, precision: 'fp32' | 'bf16'): Kernels {
  if (precision === 'fp32') return kernels;
  const own = kernels.atPrecision?.('bf16');
  if (own) return own;
  let k = emulated.get(kernels);
  if (!k) emulated.set(kernels, (k = bf16GemmKernels(kernels)));
  return k;
}
