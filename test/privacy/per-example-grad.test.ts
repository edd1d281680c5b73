import { jsKernels, type Kernels, type LossKind, type Model, type ModelSpec, makeModel, Rng } from '@starling/core';
import { loadKernels } from '@starling/native';
import { describe, expect, it } from 'vitest';

// The native backend is part of the install: if it did not build, this throws and the file fails.
const native = loadKernels('native').kernels;

const cases: { name: string; model: ModelSpec; loss: LossKind; classes: number }[] = [
  { name: 'softmax regression', model: { kind: 'softmax', init: 'xavier' }, loss: 'softmax_ce', classes: 5 },
  { name: 'logistic + bce', model: { kind: 'logistic', init: 'xavier' }, loss: 'bce', classes: 2 },
  { name: 'linear + mse', model: { kind: 'linear', init: 'xavier' }, loss: 'mse', classes: 0 },
  {
    name: 'mlp(tanh) [7, 6]',
    model: { kind: 'mlp', hidden: [7, 6], activation: 'tanh', init: 'kaiming' },
    loss: 'softmax_ce',
    classes: 4,
  },
  {
    name: 'mlp(relu) [16]',
    model: { kind: 'mlp', hidden: [16], activation: 'relu', init: 'kaiming' },
    loss: 'softmax_ce',
    classes: 3,
  },
];

function setup(c: (typeof cases)[number], batch: number, d = 9) {
  const model = makeModel(c.model, d, c.classes, c.loss);
  const rng = Rng.fromSeed(7).fork(c.name);
  const params = new Float32Array(model.layout.size);
  model.init(params, rng.fork('init'));
  // Non-zero biases so the bias term of the norm is exercised.
  for (const t of model.layout.tensors) {
    if (t.name.endsWith('bias')) rng.fork('bias').fillNormal(params.subarray(t.offset, t.offset + t.size), 0, 0.3);
  }
  const x = new Float32Array(batch * d);
  rng.fork('x').fillNormal(x, 0, 1.5);
  const y = c.classes === 0 ? new Float32Array(batch) : new Int32Array(batch);
  const ry = rng.fork('y');
  for (let i = 0; i < batch; i++) y[i] = c.classes === 0 ? ry.normal(0, 2) : ry.int(c.classes);
  return { model, params, x, y, d };
}

/** Each example's gradient on its own (a batch of one), clipped as DP-SGD defines it, then summed in float64. */
function bruteForce(
  k: Kernels,
  model: Model,
  loss: LossKind,
  params: Float32Array,
  x: Float32Array,
  y: Int32Array | Float32Array,
  batch: number,
  d: number,
  scale: (norm: number) => number,
) {
  const g = new Float32Array(model.layout.size);
  const sum = new Float64Array(model.layout.size);
  const norms: number[] = [];
  for (let i = 0; i < batch; i++) {
    model.lossAndGrad(k, loss, params, x.subarray(i * d, (i + 1) * d), y.subarray(i, i + 1), 1, g);
    let sq = 0;
    for (const v of g) sq += v * v;
    const norm = Math.sqrt(sq);
    norms.push(norm);
    const s = scale(norm);
    for (let j = 0; j < g.length; j++) sum[j] += s * g[j];
  }
  return { norms, sum };
}

function maxRelError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  for (let i = 0; i < want.length; i++) scale = Math.max(scale, Math.abs(want[i]));
  let err = 0;
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]));
  return err / scale;
}

describe.each([jsKernels, native])('per-example clipping on $backend kernels', (k: Kernels) => {
  const batch = 13;
  describe.each(cases)('$name', (c) => {
    it('per-example gradient norms from ‖a‖²‖δ‖² equal the norms of gradients computed one example at a time', () => {
      const { model, params, x, y, d } = setup(c, batch);
      const norms = new Float64Array(batch);
      const grad = new Float32Array(model.layout.size);
      model.clippedGradSum(k, c.loss, params, x, y, batch, { clipNorm: Number.POSITIVE_INFINITY }, grad, norms);
      const ref = bruteForce(k, model, c.loss, params, x, y, batch, d, () => 1);
      for (let i = 0; i < batch; i++) expect(norms[i]).toBeCloseTo(ref.norms[i], 4);
      expect(maxRelError(norms, ref.norms)).toBeLessThan(1e-5);
      // With C = ∞ the result is the plain summed gradient.
      expect(maxRelError(grad, ref.sum)).toBeLessThan(1e-5);
    });

    it('the row-scaled GEMM equals the sum of individually clipped gradients', () => {
      const { model, params, x, y, d } = setup(c, batch);
      const norms = new Float64Array(batch);
      const grad = new Float32Array(model.layout.size);
      model.clippedGradSum(k, c.loss, params, x, y, batch, { clipNorm: Number.POSITIVE_INFINITY }, grad, norms);
      // A clipping norm between the smallest and largest norm, so some examples are clipped and some not.
      const sorted = Array.from(norms).sort((a, b) => a - b);
      const C = sorted[Math.floor(batch / 2)];
      model.clippedGradSum(k, c.loss, params, x, y, batch, { clipNorm: C }, grad);
      const ref = bruteForce(k, model, c.loss, params, x, y, batch, d, (n) => Math.min(1, C / n));
      expect(maxRelError(grad, ref.sum)).toBeLessThan(1e-5);
      const kappa = 0.05;
      model.clippedGradSum(k, c.loss, params, x, y, batch, { clipNorm: C, normalizeKappa: kappa }, grad);
      const refN = bruteForce(k, model, c.loss, params, x, y, batch, d, (n) => C / (n + kappa));
      expect(maxRelError(grad, refN.sum)).toBeLessThan(1e-5);
    });

    it('every clipped per-example gradient has norm at most C(1 + 1e-6)', () => {
      const { model, params, x, y, d } = setup(c, batch);
      const grad = new Float32Array(model.layout.size);
      for (const C of [1e-3, 0.1, 1]) {
        for (let i = 0; i < batch; i++) {
          const xi = x.subarray(i * d, (i + 1) * d);
          model.clippedGradSum(k, c.loss, params, xi, y.subarray(i, i + 1), 1, { clipNorm: C }, grad);
          let sq = 0;
          for (const v of grad) sq += v * v;
          expect(Math.sqrt(sq)).toBeLessThanOrEqual(C * (1 + 1e-6));
        }
      }
    });
  });
});
