import type { Activation } from '../../kernels/kernels.js';
import type { Rng } from '../../rng/rng.js';
import type { InitKind } from '../init.js';
import type { FeatureShape, Layer, LayerAux, LayerKernels, LayerParams } from './layer.js';

/**
 * Group normalization (Wu & He 2018) over C channels in G groups: γ (`layer{i}.weight`) and β
 * (`layer{i}.bias`) per channel, starting at 1 and 0. Statistics are per example, so it behaves the
 * same at any batch size and under DP-SGD (BatchNorm does not). Aux per example: G means, G rstd and
 * one output-sized scratch for a backward that needs only γ, β gradients.
 */
export class GroupNormLayer implements Layer {
  readonly type = 'groupnorm';
  readonly output: FeatureShape;
  readonly tensors: { weight: number[]; bias: number[] };
  readonly auxF32: number;
  readonly auxI32 = 0;
  readonly flops: number;
  private readonly spatial: number;
  private perExample = new Float32Array(0);

  constructor(
    readonly input: FeatureShape,
    readonly groups: number,
    readonly eps: number,
    readonly activation: Activation,
  ) {
    this.output = input;
    this.spatial = input.h * input.w;
    this.tensors = { weight: [input.c], bias: [input.c] };
    this.auxF32 = 2 * groups + input.c * this.spatial;
    this.flops = 8 * input.c * this.spatial;
  }

  init(p: LayerParams, _kind: InitKind, _rng: Rng): void {
    p.weight.fill(1);
    p.bias.fill(0);
  }

  /** mean, rstd (batch·G each) and the dx scratch (batch·C·S) inside `aux.f32`. */
  private parts(aux: LayerAux, batch: number) {
    const stats = batch * this.groups;
    return {
      mean: aux.f32.subarray(0, stats),
      rstd: aux.f32.subarray(stats, 2 * stats),
      scratch: aux.f32.subarray(2 * stats, 2 * stats + batch * this.input.c * this.spatial),
    };
  }

  forward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    z: Float32Array,
    aux: LayerAux,
  ): void {
    if (!p) return;
    const { mean, rstd } = this.parts(aux, batch);
    kern.conv.groupNormForward(
      batch,
      this.input.c,
      this.spatial,
      this.groups,
      this.eps,
      x,
      p.weight,
      p.bias,
      z,
      mean,
      rstd,
    );
  }

  backward(
    kern: LayerKernels,
    p: LayerParams | null,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    dx: Float32Array | null,
    g: LayerParams | null,
    aux: LayerAux,
  ): void {
    if (!p || !g) return;
    const { mean, rstd, scratch } = this.parts(aux, batch);
    const c = this.input.c;
    kern.conv.groupNormBackward(
      batch,
      c,
      this.spatial,
      this.groups,
      x,
      p.weight,
      mean,
      rstd,
      dz,
      dx ?? scratch,
      g.weight,
      g.bias,
    );
  }

  /** Per example: one single-example backward for dγ_n, dβ_n (2C values), squared and summed. */
  addSqNorms(
    kern: LayerKernels,
    p: LayerParams,
    x: Float32Array,
    batch: number,
    dz: Float32Array,
    aux: LayerAux,
    sq: Float64Array,
  ): void {
    const { mean, rstd, scratch } = this.parts(aux, batch);
    const c = this.input.c;
    const size = c * this.spatial;
    if (this.perExample.length < 2 * c) this.perExample = new Float32Array(2 * c);
    const dg = this.perExample.subarray(0, c);
    const db = this.perExample.subarray(c, 2 * c);
    const G = this.groups;
    for (let n = 0; n < batch; n++) {
      const at = (a: Float32Array, per: number) => a.subarray(n * per, (n + 1) * per);
      kern.conv.groupNormBackward(
        1,
        c,
        this.spatial,
        G,
        at(x, size),
        p.weight,
        at(mean, G),
        at(rstd, G),
        at(dz, size),
        at(scratch, size),
        dg,
        db,
      );
      let s = 0;
      for (let j = 0; j < 2 * c; j++) s += this.perExample[j] * this.perExample[j];
      sq[n] += s;
    }
  }
}
