import { describe, expect, it } from 'vitest';
import { activate } from '../kernels/activations.js';
import { jsKernels } from '../kernels/js.js';
import type { Activation } from '../kernels/kernels.js';
import { Rng } from '../rng/rng.js';
import type { LossKind } from './losses.js';
import { type ModelSpec, makeModel } from './make-model.js';

/** An independent float64 forward + mean loss, written from the definitions, not from the model code. */
function referenceLoss(
  theta: Float64Array,
  widths: number[],
  act: Activation,
  loss: LossKind,
  x: Float64Array,
  y: number[],
  batch: number,
): number {
  let total = 0;
  for (let r = 0; r < batch; r++) {
    let a = Array.from(x.subarray(r * widths[0], (r + 1) * widths[0]));
    let off = 0;
    for (let l = 0; l + 1 < widths.length; l++) {
      const [fi, fo] = [widths[l], widths[l + 1]];
      const z = new Array(fo).fill(0);
      for (let j = 0; j < fo; j++) {
        let s = theta[off + fi * fo + j];
        for (let i = 0; i < fi; i++) s += a[i] * theta[off + i * fo + j];
        z[j] = s;
      }
      off += fi * fo + fo;
      a = l + 2 === widths.length ? z : z.map((v) => activate(act, v));
    }
    if (loss === 'softmax_ce') {
      const m = Math.max(...a);
      const lse = m + Math.log(a.reduce((s, v) => s + Math.exp(v - m), 0));
      total += lse - a[y[r]];
    } else if (loss === 'bce') {
      const p = 1 / (1 + Math.exp(-a[0]));
      total += -(y[r] * Math.log(p) + (1 - y[r]) * Math.log(1 - p));
    } else if (loss === 'hinge') {
      total += Math.max(0, 1 - (2 * y[r] - 1) * a[0]);
    } else {
      total += (a[0] - y[r]) ** 2;
    }
  }
  return total / batch;
}

const cases: { name: string; model: ModelSpec; loss: LossKind; classes: number }[] = [
  { name: 'linear + mse', model: { kind: 'linear', init: 'xavier' }, loss: 'mse', classes: 0 },
  { name: 'logistic + bce', model: { kind: 'logistic', init: 'xavier' }, loss: 'bce', classes: 2 },
  { name: 'logistic + hinge', model: { kind: 'logistic', init: 'xavier' }, loss: 'hinge', classes: 2 },
  { name: 'softmax + softmax_ce', model: { kind: 'softmax', init: 'xavier' }, loss: 'softmax_ce', classes: 4 },
  ...(['relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid'] as const).map((activation) => ({
    name: `mlp(${activation}) + softmax_ce`,
    model: { kind: 'mlp' as const, hidden: [6, 5], activation, init: 'kaiming' as const },
    loss: 'softmax_ce' as LossKind,
    classes: 3,
  })),
  { name: 'mlp(tanh) + mse', model: { kind: 'mlp', hidden: [5], activation: 'tanh' }, loss: 'mse', classes: 0 },
  { name: 'mlp(elu) + bce', model: { kind: 'mlp', hidden: [4], activation: 'elu' }, loss: 'bce', classes: 2 },
];

// Tolerance: the analytic gradient is computed in float32 (≈ 6e-8 relative rounding per operation) and
// the finite differences in float64 with h = 1e-6 (truncation ≈ h² · f''' ≈ 1e-12).
const REL_TOL = 1e-3;
const ABS_TOL = 2e-5;

describe.each(cases)('gradient of $name', ({ model: spec, loss, classes }) => {
  it('matches central finite differences of an independent float64 forward', () => {
    const rng = Rng.fromSeed(11);
    const inputs = 7;
    const batch = 5;
    const model = makeModel(spec, inputs, classes, loss);
    const params = new Float32Array(model.layout.size);
    model.init(params, rng.fork('init'));
    if (spec.init !== 'zeros') rng.fork('bias').fillNormal(params, 0, 0.3); // non-zero biases too
    const x = new Float32Array(batch * inputs);
    rng.fork('x').fillNormal(x);
    const yNum = Array.from({ length: batch }, (_, i) => (classes === 0 ? rng.normal() : i % classes));
    const y = classes === 0 ? Float32Array.from(yNum) : Int32Array.from(yNum);
    const grad = new Float32Array(model.layout.size);
    const sum = model.lossAndGrad(jsKernels, loss, params, x, y, batch, grad);

    const widths = [inputs, ...model.spec.hidden, model.spec.outputs];
    const theta = Float64Array.from(params);
    const x64 = Float64Array.from(x);
    const f = () => referenceLoss(theta, widths, model.spec.activation, loss, x64, yNum, batch);
    expect(sum / batch).toBeCloseTo(f(), 5);
    const h = 1e-6;
    for (let i = 0; i < theta.length; i++) {
      const keep = theta[i];
      theta[i] = keep + h;
      const up = f();
      theta[i] = keep - h;
      const down = f();
      theta[i] = keep;
      const fd = (up - down) / (2 * h);
      expect(Math.abs(grad[i] - fd), `parameter ${i}: analytic ${grad[i]} vs fd ${fd}`).toBeLessThanOrEqual(
        ABS_TOL + REL_TOL * Math.abs(fd),
      );
    }
  });
});
