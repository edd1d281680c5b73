import type { Rng } from '../../rng/rng.js';
import type { InitKind } from '../init.js';
import type { FeatureShape, Layer, LayerAux, LayerKernels, LayerParams } from './layer.js';
import { type Pool2dOptions, PoolGeometry } from './pool-geometry.js';

/** Average pooling per channel, padding counted as zeros (PyTorch's `AvgPool2d`, `count_include_pad=True`). No parameters. */
export class AvgPool2dLayer implements Layer {
  readonly type = 'avgpool2d';
  readonly output: FeatureShape;
  readonly tensors = null;
  readonly activation = 'identity' as const;
  readonly auxF32 = 0;
  readonly auxI32 = 0;
  readonly flops: number;
  private readonly geo: PoolGeometry;

  constructor(
    readonly input: FeatureShape,
    o: Pool2dOptions,
    path: string,
  ) {
    this.geo = new PoolGeometry(input, o, path);
    this.output = this.geo.output;
    this.flops = this.output.c * this.output.h * this.output.w * o.kernel[0] * o.kernel[1];
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
    _aux: LayerAux,
  ): void {
    kern.conv.avgPool2dForward(this.geo.at(batch), x, z);
  }

  backward(
    kern: LayerKernels,
    _p: LayerParams | null,
    _x: Float32Array,
    batch: number,
    dz: Float32Array,
    dx: Float32Array | null,
  ): void {
    if (dx) kern.conv.avgPool2dBackward(this.geo.at(batch), dz, dx);
  }
}
