import { errors } from '../errors.js';
import type { Activation, Kernels } from '../kernels/kernels.js';
import { type Layout, makeLayout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import { type InitKind, initWeight } from './init.js';
import { type LossKind, lossForwardBackward, type Targets } from './losses.js';
import type { Model, PerExampleClip } from './model.js';

/** The architecture of a fully connected network. */
export interface DenseNetSpec {
  /** Input features per example. */
  readonly inputs: number;
  /** Hidden layer widths, input side first; empty for a linear model. */
  readonly hidden: readonly number[];
  /** Output width: classes for softmax_ce, 1 for bce/hinge/scalar regression. */
  readonly outputs: number;
  /** Non-linearity after every hidden layer (the output layer is linear). */
  readonly activation: Activation;
  readonly init: InitKind;
}

interface Buffers {
  /** Per layer: pre-activations z_l and activations a_l, batch×width. */
  z: Float32Array[];
  a: Float32Array[];
  /** Gradient with respect to the current layer's output, batch×maxWidth. */
  dA: Float32Array;
  dZ: Float32Array;
}

interface PerExampleBuffers {
  capacity: number;
  z: Float32Array[];
  a: Float32Array[];
  /** Per layer: δ_l = ∂(summed loss)/∂z_l, capacity×width, kept for the second pass. */
  d: Float32Array[];
  dA: Float32Array;
  rowA: Float32Array;
  rowD: Float32Array;
  scales: Float32Array;
  sq: Float64Array;
}

/**
 * A fully connected network over flat parameters: layer l computes a_l = act(a_{l−1}·W_l + b_l) with
 * W_l stored fanIn×fanOut row-major as `layer{l}.weight` and b_l as `layer{l}.bias`. Linear,
 * logistic and softmax regression are the zero-hidden-layer case. Work buffers are cached per batch
 * size, so a training step allocates nothing after the first.
 */
export class DenseNet implements Model {
  readonly spec: DenseNetSpec;
  readonly layout: Layout;
  readonly inputs: number;
  readonly outputs: number;
  private readonly widths: number[];
  private readonly buffers = new Map<number, Buffers>();
  private perExample: PerExampleBuffers | null = null;

  constructor(spec: DenseNetSpec) {
    this.spec = spec;
    this.inputs = spec.inputs;
    this.outputs = spec.outputs;
    this.widths = [spec.inputs, ...spec.hidden, spec.outputs];
    const entries: { name: string; shape: number[] }[] = [];
    for (let l = 0; l + 1 < this.widths.length; l++) {
      entries.push({ name: `layer${l}.weight`, shape: [this.widths[l], this.widths[l + 1]] });
      entries.push({ name: `layer${l}.bias`, shape: [this.widths[l + 1]] });
    }
    this.layout = makeLayout(entries);
  }

  /** Number of dense layers. */
  get depth(): number {
    return this.widths.length - 1;
  }

  /** Writes initial parameters into `params` (length `layout.size`). */
  init(params: Float32Array, rng: Rng): void {
    params.fill(0);
    for (let l = 0; l < this.depth; l++) {
      const { w } = this.views(params, l);
      initWeight(this.spec.init, w, this.widths[l], this.widths[l + 1], rng.fork('init', l));
    }
  }

  /**
   * Forward pass for `batch` examples `x` (batch×inputs); returns the output activations
   * (batch×outputs, a view of an internal buffer valid until the next call with this batch size).
   */
  forward(kernels: Kernels, params: Float32Array, x: Float32Array, batch: number): Float32Array {
    const buf = this.buffersFor(batch);
    this.forwardInto(kernels, params, x, batch, buf.z, buf.a);
    return buf.a[this.depth - 1];
  }

  /** The forward pass into caller-given per-layer buffers `z[l]`, `a[l]` (batch×width each). */
  private forwardInto(
    kernels: Kernels,
    params: Float32Array,
    x: Float32Array,
    batch: number,
    z: Float32Array[],
    a: Float32Array[],
  ): void {
    let input = x;
    for (let l = 0; l < this.depth; l++) {
      const { w, b } = this.views(params, l);
      const act = l === this.depth - 1 ? 'identity' : this.spec.activation;
      kernels.gemm(false, false, batch, this.widths[l + 1], this.widths[l], 1, input, w, 0, z[l]);
      kernels.biasActivation(act, batch, this.widths[l + 1], z[l], b, a[l]);
      input = a[l];
    }
  }

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
  ): number {
    const out = this.forward(kernels, params, x, batch);
    const buf = this.buffersFor(batch);
    const last = this.depth - 1;
    const dOut = buf.dZ.subarray(0, batch * this.spec.outputs);
    const total = lossForwardBackward(loss, kernels, batch, this.spec.outputs, out, y, 1 / batch, dOut);
    for (let l = last; l >= 0; l--) {
      const fanIn = this.widths[l];
      const fanOut = this.widths[l + 1];
      const dZ = buf.dZ.subarray(0, batch * fanOut);
      if (l !== last) {
        kernels.activationBackward(this.spec.activation, buf.z[l], buf.a[l], buf.dA.subarray(0, batch * fanOut), dZ);
      }
      const input = l === 0 ? x : buf.a[l - 1];
      const { w } = this.views(params, l);
      const gw = this.views(grad, l);
      kernels.gemm(true, false, fanIn, fanOut, batch, 1, input, dZ, 0, gw.w);
      kernels.columnSums(batch, fanOut, dZ, gw.b);
      if (l > 0) kernels.gemm(false, true, batch, fanIn, fanOut, 1, dZ, w, 0, buf.dA.subarray(0, batch * fanIn));
    }
    return total;
  }

  /**
   * The DP-SGD gradient of a lot (Abadi et al. 2016): writes Σ_i s_i·∂ℓ_i/∂θ into `grad`, the sum over
   * the `batch` examples of each example's loss gradient scaled by s_i = min(1, C/‖g_i‖) (clipping), or
   * by s_i = C/(‖g_i‖ + κ) when `clip.normalizeKappa` is set (normalization, Bu et al. 2023). A sum,
   * not a mean: the caller adds noise and divides by the expected lot size. Returns the summed loss.
   *
   * Per-example gradients are never materialized. For a dense layer ∂ℓ_i/∂W = a_iᵀδ_i (input row times
   * output-delta row), so ‖∂ℓ_i/∂W‖² = ‖a_i‖²·‖δ_i‖² and the bias adds ‖δ_i‖² (Goodfellow 2015,
   * "Efficient Per-Example Gradient Computations"). A first backward pass keeps every layer's δ and sums
   * these with `kernels.rowSumSquares`; the second scales the δ rows by s_i (`kernels.scaleRows`) and
   * forms the usual GEMM and column sums: a row-scaled GEMM.
   * @param clip C > 0 (Infinity: no clipping, plain summed gradient); κ ≥ 0 needs a finite C
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
  ): number {
    const { clipNorm: c, normalizeKappa: kappa = null } = clip;
    if (!(c > 0)) throw errors.option('privacy.clipNorm', 'a number > 0', c);
    if (kappa !== null && !(kappa >= 0 && Number.isFinite(kappa) && Number.isFinite(c))) {
      throw errors.option('privacy.normalizeKappa', 'a finite number >= 0 with a finite clipNorm', kappa);
    }
    grad.fill(0);
    if (batch === 0) return 0;
    const widths = this.widths;
    const last = this.depth - 1;
    const buf = this.perExampleBuffers(batch);
    const z = buf.z.map((b, l) => b.subarray(0, batch * widths[l + 1]));
    const a = z.map((zl, l) => (l === last ? zl : buf.a[l].subarray(0, batch * widths[l + 1])));
    const d = buf.d.map((b, l) => b.subarray(0, batch * widths[l + 1]));
    this.forwardInto(kernels, params, x, batch, z, a);
    const total = lossForwardBackward(loss, kernels, batch, widths[last + 1], a[last], y, 1, d[last]);
    // Pass 1: every layer's δ, and the per-example squared gradient norms.
    const sq = buf.sq;
    sq.fill(0, 0, batch);
    for (let l = last; l >= 0; l--) {
      const dA = buf.dA.subarray(0, batch * widths[l + 1]);
      if (l !== last) kernels.activationBackward(this.spec.activation, z[l], a[l], dA, d[l]);
      kernels.rowSumSquares(batch, widths[l + 1], d[l], buf.rowD);
      kernels.rowSumSquares(batch, widths[l], l === 0 ? x : a[l - 1], buf.rowA);
      for (let i = 0; i < batch; i++) sq[i] += buf.rowD[i] * (buf.rowA[i] + 1);
      if (l > 0) {
        const { w } = this.views(params, l);
        kernels.gemm(
          false,
          true,
          batch,
          widths[l],
          widths[l + 1],
          1,
          d[l],
          w,
          0,
          buf.dA.subarray(0, batch * widths[l]),
        );
      }
    }
    for (let i = 0; i < batch; i++) {
      const norm = Math.sqrt(sq[i]);
      if (!Number.isFinite(norm)) throw errors.runtime(`per-example gradient ${i} has a non-finite norm (${norm})`);
      if (norms) norms[i] = norm;
      if (kappa === null) buf.scales[i] = norm > c ? c / norm : 1;
      else buf.scales[i] = norm === 0 ? 0 : c / (norm + kappa);
    }
    // Pass 2: scale each example's δ rows, then the usual weight and bias gradients.
    const scales = buf.scales.subarray(0, batch);
    for (let l = 0; l <= last; l++) {
      const gw = this.views(grad, l);
      kernels.scaleRows(batch, widths[l + 1], d[l], scales);
      kernels.gemm(true, false, widths[l], widths[l + 1], batch, 1, l === 0 ? x : a[l - 1], d[l], 0, gw.w);
      kernels.columnSums(batch, widths[l + 1], d[l], gw.b);
    }
    return total;
  }

  /** Work buffers of the per-example path, grown geometrically: Poisson lots change size every step. */
  private perExampleBuffers(batch: number): PerExampleBuffers {
    if (this.perExample === null || this.perExample.capacity < batch) {
      const cap = Math.max(batch, Math.ceil((this.perExample?.capacity ?? 0) * 1.25));
      const layers = this.widths.slice(1);
      this.perExample = {
        capacity: cap,
        z: layers.map((w) => new Float32Array(cap * w)),
        a: layers.map((w) => new Float32Array(cap * w)),
        d: layers.map((w) => new Float32Array(cap * w)),
        dA: new Float32Array(cap * Math.max(...this.widths)),
        rowA: new Float32Array(cap),
        rowD: new Float32Array(cap),
        scales: new Float32Array(cap),
        sq: new Float64Array(cap),
      };
    }
    return this.perExample;
  }

  private views(flat: Float32Array, l: number): { w: Float32Array; b: Float32Array } {
    const wt = this.layout.tensors[2 * l];
    const bt = this.layout.tensors[2 * l + 1];
    return {
      w: flat.subarray(wt.offset, wt.offset + wt.size),
      b: flat.subarray(bt.offset, bt.offset + bt.size),
    };
  }

  private buffersFor(batch: number): Buffers {
    let buf = this.buffers.get(batch);
    if (!buf) {
      const maxWidth = Math.max(...this.widths);
      buf = {
        z: this.widths.slice(1).map((w) => new Float32Array(batch * w)),
        a: this.widths.slice(1).map((w) => new Float32Array(batch * w)),
        dA: new Float32Array(batch * maxWidth),
        dZ: new Float32Array(batch * maxWidth),
      };
      // The output layer is linear: its activation buffer is its pre-activation.
      buf.a[this.depth - 1] = buf.z[this.depth - 1];
      this.buffers.set(batch, buf);
    }
    return buf;
  }
}
