import { errors } from '../errors.js';
import { jsConvKernels } from '../kernels/conv-js.js';
import type { Activation, Kernels } from '../kernels/kernels.js';
import { type Layout, makeLayout } from '../layout.js';
import type { Rng } from '../rng/rng.js';
import { placeActivations } from './activation-placement.js';
import { kernelsAtPrecision } from './bf16-gemm.js';
import { Bf16Rounding } from './bf16-rounding.js';
import { checkClip, clipScales } from './clip-scales.js';
import type { InitKind } from './init.js';
import { type FeatureShape, type Layer, type LayerKernels, type LayerParams, shapeSize } from './layers/layer.js';
import { type LossKind, lossForwardBackward, type Targets } from './losses.js';
import type { Model, PerExampleClip } from './model.js';
import { type BatchViews, SequentialBuffers } from './sequential-buffers.js';

/**
 * A feed-forward network of layers (convolution, pooling, flatten, dense, group norm) over one flat
 * parameter vector: layer i's tensors are `layer{i}.weight` and `layer{i}.bias` (docs/models.md gives
 * shapes and layouts). Convolution, pooling and normalization run on `kernels.conv` (absent: the
 * reference `jsConvKernels`), dense layers and activations on the `Kernels` GEMM and activation kernels.
 * Outputs of `forward` are valid until the next call.
 */
export class Sequential implements Model {
  readonly layout: Layout;
  readonly inputs: number;
  readonly outputs: number;
  private readonly params: (number | null)[];
  private readonly buffers: SequentialBuffers;
  /** buf[l]: the layer whose buffers hold layer l's output (a flatten passes on its input's; −1 = the network input). */
  private readonly buf: number[];
  /** The activation applied after layer l (a ReLU before a max pooling moves after it: placeActivations). */
  private readonly acts: Activation[];
  /** Zeros as long as the largest layer output of one example: the bias of the activation pass. */
  private readonly zeros: Float32Array;
  private readonly firstParam: number;
  private readonly bf16 = new Bf16Rounding();
  private readonly sq = { capacity: 0, sq: new Float64Array(0), scales: new Float32Array(0) };

  constructor(
    readonly layers: readonly Layer[],
    readonly input: FeatureShape,
    readonly initKind: InitKind,
    readonly precision: 'fp32' | 'bf16' = 'fp32',
  ) {
    const entries: { name: string; shape: readonly number[] }[] = [];
    this.params = layers.map((layer, i) => {
      if (!layer.tensors) return null;
      entries.push({ name: `layer${i}.weight`, shape: layer.tensors.weight });
      entries.push({ name: `layer${i}.bias`, shape: layer.tensors.bias });
      return entries.length - 2;
    });
    this.layout = makeLayout(entries);
    this.inputs = input.c * input.h * input.w;
    const out = layers[layers.length - 1].output;
    this.outputs = out.c * out.h * out.w;
    this.buf = [];
    for (let l = 0; l < layers.length; l++)
      this.buf.push(layers[l].type === 'flatten' ? (l > 0 ? this.buf[l - 1] : -1) : l);
    this.firstParam = this.params.findIndex((p) => p !== null);
    if (this.firstParam < 0)
      throw errors.option('model.layers', 'at least one layer with parameters (conv2d, dense, groupnorm)', 'none');
    this.acts = placeActivations(layers, precision);
    this.zeros = new Float32Array(Math.max(...layers.map((layer) => shapeSize(layer.output))));
    this.buffers = new SequentialBuffers(layers, this.acts);
  }

  /** z, a (when the activation is not the identity) and δ per layer, plus the layers' aux scratch, at `batch`. */
  workFloats(batch: number): number {
    let per = 0;
    this.layers.forEach((layer, l) => {
      if (layer.type === 'flatten') return;
      const size = layer.output.c * layer.output.h * layer.output.w;
      per += size * (this.acts[l] === 'identity' ? 2 : 3) + layer.auxF32 + layer.auxI32;
    });
    return Math.ceil(batch * 1.25) * per;
  }

  init(params: Float32Array, rng: Rng): void {
    params.fill(0);
    this.layers.forEach((layer, l) => {
      const p = this.views(params, l);
      if (p) layer.init(p, this.initKind, rng.fork('init', l));
    });
  }

  forward(kernels: Kernels, params: Float32Array, x: Float32Array, batch: number): Float32Array {
    const v = this.buffers.at(batch, false);
    this.forwardInto(this.kern(kernels), params, x, batch, v);
    return this.outputOf(this.layers.length - 1, x, v);
  }

  lossAndGrad(
    kernels: Kernels,
    loss: LossKind,
    params: Float32Array,
    x: Float32Array,
    y: Targets,
    batch: number,
    grad: Float32Array,
  ): number {
    const kern = this.kern(kernels);
    const v = this.buffers.at(batch, true);
    this.forwardInto(kern, params, x, batch, v);
    const last = this.layers.length - 1;
    const d = this.deltaOf(last, v);
    const total = lossForwardBackward(loss, kernels, batch, this.outputs, this.outputOf(last, x, v), y, 1 / batch, d);
    // Every parameter layer's backward overwrites its gradient; only an empty batch runs no kernel to.
    if (batch === 0) grad.fill(0);
    this.backward(kern, params, x, batch, v, grad);
    return total;
  }

  /**
   * DP-SGD's clipped gradient sum (see {@link Model.clippedGradSum}) with ghost clipping: pass 1 runs the
   * backward keeping every layer's δ and adds each parameter layer's per-example squared norm
   * (`conv2dGradSqNorms` for convolutions, ‖δ_n‖²(‖x_n‖² + 1) for dense layers, single-example γ/β
   * gradients for group norm); pass 2 scales each example's δ rows by s_n and forms the batch gradients.
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
    checkClip(clip);
    grad.fill(0);
    if (batch === 0) return 0;
    const kern = this.kern(kernels);
    const v = this.buffers.at(batch, true);
    this.forwardInto(kern, params, x, batch, v);
    const last = this.layers.length - 1;
    const out = this.outputOf(last, x, v);
    const total = lossForwardBackward(loss, kernels, batch, this.outputs, out, y, 1, this.deltaOf(last, v));
    const { sq, scales } = this.perExample(batch);
    sq.fill(0, 0, batch);
    this.backward(kern, params, x, batch, v, null, sq);
    clipScales(clip, sq, batch, scales, norms);
    const s = scales.subarray(0, batch);
    for (let l = this.firstParam; l <= last; l++) {
      const p = this.views(params, l);
      if (!p) continue;
      const dz = this.deltaOf(l, v);
      kernels.scaleRows(batch, dz.length / batch, dz, s);
      this.layers[l].backward(
        kern,
        p,
        this.outputOf(l - 1, x, v),
        batch,
        dz,
        null,
        this.views(grad, l),
        this.aux(v, l),
      );
    }
    return total;
  }

  private forwardInto(kern: LayerKernels, params: Float32Array, x: Float32Array, batch: number, v: BatchViews): void {
    let input = x;
    for (let l = 0; l < this.layers.length; l++) {
      const layer = this.layers[l];
      if (layer.type === 'flatten') continue;
      layer.forward(kern, this.views(params, l), input, batch, v.z[l], this.aux(v, l));
      const act = this.acts[l];
      // Rows of one example against a zero bias (z + 0 as before; a rows×1 call costs a loop per entry).
      if (act !== 'identity') kern.k.biasActivation(act, batch, shapeSize(layer.output), v.z[l], this.zeros, v.a[l]);
      if (this.precision === 'bf16' && l < this.layers.length - 1) this.bf16.round(kern.k, v.a[l]);
      input = v.a[l];
    }
  }

  /**
   * The backward from the loss delta already in d[last]: layer by layer, activation derivative in place,
   * then the layer's gradients and dx. With `grad` null (pass 1 of DP-SGD) parameter gradients go to
   * scratch only to produce dx, and each parameter layer adds its per-example squared norms to `sq`.
   */
  private backward(
    kern: LayerKernels,
    params: Float32Array,
    x: Float32Array,
    batch: number,
    v: BatchViews,
    grad: Float32Array | null,
    sq?: Float64Array,
  ): void {
    for (let l = this.layers.length - 1; l >= this.firstParam; l--) {
      const layer = this.layers[l];
      if (layer.type === 'flatten') continue;
      const dz = this.deltaOf(l, v);
      const act = this.acts[l];
      if (act !== 'identity') kern.k.activationBackward(act, v.z[l], v.a[l], dz, dz);
      const p = this.views(params, l);
      const input = this.outputOf(l - 1, x, v);
      const dx = l > this.firstParam ? this.deltaOf(l - 1, v) : null;
      if (sq && p && layer.addSqNorms) layer.addSqNorms(kern, p, input, batch, dz, this.aux(v, l), sq);
      if (grad) layer.backward(kern, p, input, batch, dz, dx, this.views(grad, l), this.aux(v, l));
      else if (dx) layer.backward(kern, p, input, batch, dz, dx, this.scratchGrad(l), this.aux(v, l));
    }
  }

  private outputOf(l: number, x: Float32Array, v: BatchViews): Float32Array {
    const b = l < 0 ? -1 : this.buf[l];
    return b < 0 ? x : v.a[b];
  }

  private deltaOf(l: number, v: BatchViews): Float32Array {
    const d = v.d;
    if (!d || l < 0 || this.buf[l] < 0)
      throw errors.shape('Sequential delta buffer of layer', 'a layer after the input', l);
    return d[this.buf[l]];
  }

  private aux(v: BatchViews, l: number) {
    return { f32: v.auxF32[l], i32: v.auxI32[l] };
  }

  /** Layer l's tensors in `flat` (parameters or gradient), made once per array: a step allocates none. */
  private views(flat: Float32Array, l: number): LayerParams | null {
    let all = this.viewCache.get(flat);
    if (!all) {
      all = this.params.map((t) => {
        if (t === null) return null;
        const w = this.layout.tensors[t];
        const b = this.layout.tensors[t + 1];
        return { weight: flat.subarray(w.offset, w.offset + w.size), bias: flat.subarray(b.offset, b.offset + b.size) };
      });
      this.viewCache.set(flat, all);
    }
    return all[l];
  }
  private readonly viewCache = new WeakMap<Float32Array, (LayerParams | null)[]>();

  private scratch: Float32Array | null = null;
  /** A gradient-sized scratch for pass 1 of DP-SGD (a layer's parameter gradients are written, then dropped). */
  private scratchGrad(l: number): LayerParams | null {
    if (this.scratch === null) this.scratch = new Float32Array(this.layout.size);
    return this.views(this.scratch, l);
  }

  private perExample(batch: number) {
    if (this.sq.capacity < batch) {
      const cap = Math.max(batch, Math.ceil(this.sq.capacity * 1.25));
      this.sq.capacity = cap;
      this.sq.sq = new Float64Array(cap);
      this.sq.scales = new Float32Array(cap);
    }
    return this.sq;
  }

  private kern(kernels: Kernels): LayerKernels {
    if (this.lastKernels !== kernels) {
      this.lastKernels = kernels;
      const k = kernelsAtPrecision(kernels, this.precision);
      this.lastKern = { k, conv: k.conv ?? jsConvKernels };
    }
    return this.lastKern as LayerKernels;
  }
  private lastKernels: Kernels | null = null;
  private lastKern: LayerKernels | null = null;
}
