import type { Rng } from '../../rng/rng.js';
import type { InitKind } from '../init.js';
import type { FeatureShape, Layer, LayerParams } from './layer.js';

/**
 * C×H×W → a vector of C·H·W entries in the same (row-major) order. The data do not move: `Sequential`
 * gives this layer its input's buffers as output, so forward and backward do nothing.
 */
export class FlattenLayer implements Layer {
  readonly type = 'flatten';
  readonly output: FeatureShape;
  readonly tensors = null;
  readonly activation = 'identity' as const;
  readonly auxF32 = 0;
  readonly auxI32 = 0;
  readonly flops = 0;

  constructor(readonly input: FeatureShape) {
    this.output = { c: input.c * input.h * input.w, h: 1, w: 1, flat: true };
  }

  init(_p: LayerParams, _kind: InitKind, _rng: Rng): void {}
  forward(): void {}
  backward(): void {}
}
