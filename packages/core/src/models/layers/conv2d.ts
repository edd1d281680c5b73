import { conv2dGeometry } from '../../kernels/conv-geometry.js';
import type { Conv2dGeometry } from '../../kernels/conv-kernels.js';
import type { Activation } from '../../kernels/kernels.js';
import type { Rng } from '../../rng/rng.js';
import { type InitKind, initWeight } from '../init.js';
import type { FeatureShape, Layer, LayerAux, LayerKernels, LayerParams } from './layer.js';

/** What a `conv2d` entry of `model.layers` resolves to (pairs are rows, columns). */
export interface Conv2dOptions {
  readonly channels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
  readonly activation: Activation;
}

/**
 * A 2-D convolution (cross-correlation, as PyTorch's `Conv2d`): weight K×C×kh×kw, bias K, output
 * K×OH×OW. Runs on `ConvKernels.conv2dForward/Backward`; per-example norms from `conv2dGradSqNorms`.
 * Weight init: fan-in C·kh·kw, fan-out K·kh·kw.
 */
export class Conv2dLayer implements Layer {
  readonly type = 'conv2d';
  readonly output: FeatureShape;
  readonly tensors: { weight: number[]; bias: number[] };
  readonly activation: Activation;
  readonly auxF32 = 0;
  readonly auxI32 = 0;
  readonly flops: number;
  private readonly one: Conv2dGeometry;
  private readonly geometries = new Map<number, Conv2dGeometry>();
  private readonly sqScratch = new Map<number, Float64Array>();

  constructor(
    readonly input: FeatureShape,
    o: Conv2dOptions,
    path: string,
  ) {
    const [kernelH, kernelW] = o.kernel;
    this.one = conv2dGeometry(
      {
        batch: 1,
        inChannels: input.c,
        inHeight: input.h,
        inWidth: input.w,
        outChannels: o.channels,
        kernelH,
        kernelW,
        strideH: o.stride[0],
        strideW: o.stride[1],
        padH: o.padding[0],
        padW: o.padding[1],
      },
      path,
    );
    this.output = { c: o.channels, h: this.one.outHeight, w: this.one.outWidth, flat: false };
    this.tensors = { weight: [o.channels, input.c, kernelH, kernelW], bias: [o.channels] };
    this.activation = o.activation;
    this.flops = 2 * o.channels * this.one.outHeight * this.one.outWidth * input.c * kernelH * kernelW;
  }

  /** The geometry at `batch` examples, cached (a step allocates nothing after the first). */
  geometry(batch: number): Conv2dGeometry {
    let g = this.geometries.get(batch);
    if (!g) {
      g = { ...this.one, batch };
      this.geometries.set(batch, g);
    }
    return g;
  }

  init(p: LayerParams, kind: InitKind, rng: Rng): void {
    const area = this.one.kernelH * this.one.kernelW;
    initWeight(kind, p.weight, this.input.c * area, this.output.c * area, rng);
    p.bias.fill(0);
  }

  forward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    z: Float32Array,
    _aux: LayerAux,
  ): void {
    if (!p) return;
    kern.conv.conv2dForward(this.geometry(batch), x, p.weight, p.bias, z);
  }

  backward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    dx: Float32Array | null,
    g: LayerParams | null,
  ): void {
    if (!p || !g) return;
    kern.conv.conv2dBackward(this.geometry(batch), x, p.weight, dz, g.weight, g.bias, dx);
  }

  addSqNorms(
    kern: LayerKernels,
    _p: LayerParams,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    _aux: LayerAux,
    sq: Float64Array,
  ): void {
    let out = this.sqScratch.get(batch);
    if (!out) {
      out = new Float64Array(batch);
      this.sqScratch.set(batch, out);
    }
    kern.conv.conv2dGradSqNorms(this.geometry(batch), x, dz, out);
    for (let n = 0; n < batch; n++) sq[n] += out[n];
  }
}
