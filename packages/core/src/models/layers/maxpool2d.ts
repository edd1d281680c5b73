import type { Rng } from '../../rng/rng.js';
import type { InitKind } from '../init.js';
import type { FeatureShape, Layer, LayerAux, LayerKernels, LayerParams } from './layer.js';
import { type Pool2dOptions, PoolGeometry } from './pool-geometry.js';

/** Max pooling per channel (PyTorch's `MaxPool2d`); keeps each output's argmax for the backward. No parameters. */
export class MaxPool2dLayer implements Layer {
  readonly type = 'maxpool2d';
  readonly output: FeatureShape;
  readonly tensors = null;
  readonly activation = 'identity' as const;
  readonly auxF32 = 0;
  readonly auxI32: number;
  readonly flops: number;
  private readonly geo: PoolGeometry;

  constructor(
    readonly input: FeatureShape,
    o: Pool2dOptions,
    path: string,
  ) {
    this.geo = new PoolGeometry(input, o, path);
    this.output = this.geo.output;
    this.auxI32 = this.output.c * this.output.h * this.output.w;
    this.flops = this.auxI32 * o.kernel[0] * o.kernel[1];
  }

  /** The pooling geometry at `batch` examples. */
  geometry(batch: number) {
    return this.geo.at(batch);
  }

  init(_p: LayerParams, _kind: InitKind, _rng: Rng): void {}

  forward(
    kern: LayerKernels,
    _p: LayerParams | null,
    x: Float32Array,
    batch: number,
    z: Float32Array,
    aux: LayerAux,
  ): void {
    kern.conv.maxPool2dForward(this.geo.at(batch), x, z, aux.i32);
  }

  backward(
    kern: LayerKernels,
    _p: LayerParams | null,
    _x: Float32Array,
    batch: number,
    dz: Float32Array,
    dx: Float32Array | null,
    _g: LayerParams | null,
    aux: LayerAux,
  ): void {
    if (dx) kern.conv.maxPool2dBackward(this.geo.at(batch), dz, aux.i32, dx);
  }
}
