import type { Activation, Kernels } from '../kernels/kernels.js';
import { type Layout, makeLayout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import { type InitKind, initWeight } from './init.js';
import { type LossKind, lossForwardBackward, type Targets } from './losses.js';

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

/**
 * A fully connected network over flat parameters: layer l computes a_l = act(a_{l−1}·W_l + b_l) with
 * W_l stored fanIn×fanOut row-major as `layer{l}.weight` and b_l as `layer{l}.bias`. Linear,
 * logistic and softmax regression are the zero-hidden-layer case. Work buffers are cached per batch
 * size, so a training step allocates nothing after the first.
 */
export class DenseNet {
  readonly spec: DenseNetSpec;
  readonly layout: Layout;
  private readonly widths: number[];
  private readonly buffers = new Map<number, Buffers>();

  constructor(spec: DenseNetSpec) {
    this.spec = spec;
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
    let input = x;
    for (let l = 0; l < this.depth; l++) {
      const { w, b } = this.views(params, l);
      const act = l === this.depth - 1 ? 'identity' : this.spec.activation;
      kernels.gemm(false, false, batch, this.widths[l + 1], this.widths[l], 1, input, w, 0, buf.z[l]);
      kernels.biasActivation(act, batch, this.widths[l + 1], buf.z[l], b, buf.a[l]);
      input = buf.a[l];
    }
    return buf.a[this.depth - 1];
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
