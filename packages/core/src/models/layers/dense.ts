import type { Activation } from '../../kernels/kernels.js';
import type { Rng } from '../../rng/rng.js';
import { type InitKind, initWeight } from '../init.js';
import type { FeatureShape, Layer, LayerAux, LayerKernels, LayerParams } from './layer.js';

/**
 * A fully connected layer on a vector: z = x·W + b with W stored fanIn×fanOut row-major (as `DenseNet`).
 * Per-example norms by the row trick ‖∂ℓ_n/∂W‖² + ‖∂ℓ_n/∂b‖² = ‖δ_n‖²·(‖x_n‖² + 1) (Goodfellow 2015).
 */
export class DenseLayer implements Layer {
  readonly type = 'dense';
  readonly output: FeatureShape;
  readonly tensors: { weight: number[]; bias: number[] };
  readonly auxF32 = 0;
  readonly auxI32 = 0;
  readonly flops: number;
  private readonly fanIn: number;
  private rows = new Float32Array(0);

  constructor(
    readonly input: FeatureShape,
    readonly units: number,
    readonly activation: Activation,
  ) {
    this.fanIn = input.c * input.h * input.w;
    this.output = { c: units, h: 1, w: 1, flat: true };
    this.tensors = { weight: [this.fanIn, units], bias: [units] };
    this.flops = 2 * this.fanIn * units;
  }

  init(p: LayerParams, kind: InitKind, rng: Rng): void {
    initWeight(kind, p.weight, this.fanIn, this.units, rng);
    p.bias.fill(0);
  }

  forward(kern: LayerKernels, p: LayerParams | null, x: Float32Array, batch: number, z: Float32Array): void {
    if (!p) return;
    kern.k.gemm(false, false, batch, this.units, this.fanIn, 1, x, p.weight, 0, z);
    kern.k.biasActivation('identity', batch, this.units, z, p.bias, z);
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
    // dx first: W is still in cache from the forward, which writing dW (as large as W) would evict.
    if (dx) kern.k.gemm(false, true, batch, this.fanIn, this.units, 1, dz, p.weight, 0, dx);
    kern.k.gemm(true, false, this.fanIn, this.units, batch, 1, x, dz, 0, g.weight);
    kern.k.columnSums(batch, this.units, dz, g.bias);
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
    if (this.rows.length < 2 * batch)
      this.rows = new Float32Array(Math.max(2 * batch, Math.ceil(this.rows.length * 1.25)));
    const rowD = this.rows.subarray(0, batch);
    const rowX = this.rows.subarray(batch, 2 * batch);
    kern.k.rowSumSquares(batch, this.units, dz, rowD);
    kern.k.rowSumSquares(batch, this.fanIn, x, rowX);
    for (let n = 0; n < batch; n++) sq[n] += rowD[n] * (rowX[n] + 1);
  }
}
