import { conv2dGeometry } from '../../kernels/conv-geometry.js';
import type { Conv2dGeometry } from '../../kernels/conv-kernels.js';
import type { FeatureShape } from './layer.js';

/** What a `maxpool2d` / `avgpool2d` entry resolves to (pairs are rows, columns; stride defaults to the kernel). */
export interface Pool2dOptions {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly padding: readonly [number, number];
}

/** A pooling layer's geometry per batch size, cached so a step allocates nothing after the first. */
export class PoolGeometry {
  readonly one: Conv2dGeometry;
  readonly output: FeatureShape;
  private readonly cache = new Map<number, Conv2dGeometry>();

  constructor(input: FeatureShape, o: Pool2dOptions, path: string) {
    this.one = conv2dGeometry(
      {
        batch: 1,
        inChannels: input.c,
        inHeight: input.h,
        inWidth: input.w,
        outChannels: input.c,
        kernelH: o.kernel[0],
        kernelW: o.kernel[1],
        strideH: o.stride[0],
        strideW: o.stride[1],
        padH: o.padding[0],
        padW: o.padding[1],
      },
      path,
    );
    this.output = { c: input.c, h: this.one.outHeight, w: this.one.outWidth, flat: false };
  }

  at(batch: number): Conv2dGeometry {
    let g = this.cache.get(batch);
    if (!g) {
      g = { ...this.one, batch };
      this.cache.set(batch, g);
    }
    return g;
  }
}
