import {
  ClientExecutor,
  freshOptimizerMemory,
  jsKernels,
  type Kernels,
  type LocalPlan,
  makeModel,
  Optimizer,
  type OptimizerSpec,
  Rng,
  type StepOptimizer,
  type TrainingData,
} from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadKernels } from './load-kernels.js';

/*
 * ClientExecutor's fused plain-SGD path (first step from x_global into x_local, last step straight into Δ
 * with its finite scan) against the textbook loop it replaces: the same executor driven by an optimizer
 * that offers only `step` (so it copies x_local ← x, steps in place and subtracts), bit for bit, for one
 * step, many steps, a step cap mid-epoch, FedProx + SCAFFOLD + weight decay + clipping, and a momentum
 * optimizer (which never fuses).
 */
const native = loadKernels('native').kernels;

const data: TrainingData = (() => {
  const rng = Rng.fromSeed(11);
  const [n, d] = [40, 12];
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  return { x, y: Int32Array.from({ length: n }, () => rng.int(4)), n, d, classes: 4 };
})();
const model = makeModel({ kind: 'mlp', hidden: [16, 8], activation: 'relu' }, data.d, 4, 'softmax_ce');
const global = new Float32Array(model.layout.size);
model.init(global, Rng.fromSeed(2).fork('init'));
const indices = Int32Array.from({ length: 13 }, (_, i) => 2 * i + 1);
const correction = Float32Array.from({ length: global.length }, (_, i) => 0.002 * ((i % 7) - 3));

const CASES: [string, OptimizerSpec, LocalPlan, boolean][] = [
  ['one step (B = n)', { kind: 'sgd', lr: 0.05 }, { epochs: 1, batchSize: 13 }, false],
  ['two epochs of B = 4', { kind: 'sgd', lr: 0.05 }, { epochs: 2, batchSize: 4 }, false],
  ['a step cap mid-epoch', { kind: 'sgd', lr: 0.05 }, { epochs: 3, batchSize: 4, maxSteps: 5 }, false],
  [
    'FedProx, SCAFFOLD, weight decay and clipping',
    { kind: 'sgd', lr: 0.2, weightDecay: 1e-3, clipNorm: 0.5 },
    { epochs: 2, batchSize: 5, proximalMu: 0.3 },
    true,
  ],
  ['momentum (no fused path)', { kind: 'momentum', lr: 0.05, momentum: 0.9 }, { epochs: 2, batchSize: 4 }, false],
];

const bitsOf = (x: Float32Array) => Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length));

describe.each<[string, Kernels]>([
  ['js', jsKernels],
  ['native', native],
])('ClientExecutor with %s kernels', (_, kernels) => {
  it.each(CASES)('fuses %s bit for bit with the copy-step-subtract loop', (_c, spec, plan, scaffold) => {
    const run = (textbook: boolean) => {
      const executor = new ClientExecutor(model, 'softmax_ce', kernels, data);
      const opt = new Optimizer(spec, global.length, kernels);
      const memory = freshOptimizerMemory();
      opt.bind(memory);
      const optimizer: StepOptimizer = textbook ? { step: (p, g) => opt.step(p, g) } : opt;
      const job = { id: 5, indices, rng: Rng.fromSeed(9).fork('node', 5), optimizer };
      const delta = new Float32Array(global.length);
      const r = executor.train(scaffold ? { ...job, correction } : job, global, 3, plan, delta);
      return { r, delta, steps: memory.step };
    };
    const [fused, textbook] = [run(false), run(true)];
    expect(bitsOf(fused.delta)).toEqual(bitsOf(textbook.delta));
    expect(fused.r.trainLoss).toBe(textbook.r.trainLoss);
    expect(fused.r.steps).toBe(textbook.r.steps);
    expect(fused.steps).toBe(textbook.steps);
    expect(fused.delta.some((v) => v !== 0)).toBe(true);
    expect(fused.r.finite).toBe(spec.kind === 'sgd' ? true : undefined);
    expect(textbook.r.finite).toBeUndefined();
  });

  it('adds weight·Δ into a sink, asked for it once at the last step, with the bits of accumulate', () => {
    const plan: LocalPlan = { epochs: 2, batchSize: 4 };
    const run = (sink: 'eager' | 'lazy' | 'refused' | 'none') => {
      const executor = new ClientExecutor(model, 'softmax_ce', kernels, data);
      const opt = new Optimizer({ kind: 'sgd', lr: 0.05 }, global.length, kernels);
      opt.bind(freshOptimizerMemory());
      const job = { id: 5, indices, rng: Rng.fromSeed(9).fork('node', 5), optimizer: opt };
      const delta = new Float32Array(global.length);
      const acc = Float64Array.from(global, (v) => v * 0.25);
      let asked = 0;
      const given = { acc, weight: 0.3 };
      const source =
        sink === 'eager'
          ? given
          : sink === 'none'
            ? undefined
            : () => {
                asked++;
                return sink === 'lazy' ? given : undefined;
              };
      const r = executor.train(job, global, 3, plan, delta, source);
      return { r, delta, acc, asked };
    };
    const plain = run('none');
    const want = Float64Array.from(global, (v) => v * 0.25);
    kernels.accumulate!(0.3, plain.delta, want);
    for (const mode of ['eager', 'lazy'] as const) {
      const got = run(mode);
      expect(bitsOf(got.delta)).toEqual(bitsOf(plain.delta));
      expect(Array.from(got.acc)).toEqual(Array.from(want));
      expect(got.r.added).toBe(true);
      expect(got.asked).toBe(mode === 'lazy' ? 1 : 0);
    }
    const refused = run('refused');
    expect(refused.asked).toBe(1);
    expect(refused.r.added).toBeUndefined();
    expect(Array.from(refused.acc)).toEqual(Array.from(global, (v) => v * 0.25));
    expect(plain.r.added).toBeUndefined();
  });

  it('does not call a non-finite update finite, and drops the flag when FedNova rescales Δ', () => {
    const executor = new ClientExecutor(model, 'softmax_ce', kernels, data);
    const opt = new Optimizer({ kind: 'sgd', lr: 0.05 }, global.length, kernels);
    opt.bind(freshOptimizerMemory());
    const job = { id: 1, indices, rng: Rng.fromSeed(9).fork('node', 1), optimizer: opt };
    const broken = global.slice();
    broken[global.length - 1] = Number.NaN; // the last bias: Δ is NaN there
    const delta = new Float32Array(global.length);
    expect(executor.train(job, broken, 0, { epochs: 1, batchSize: 4 }, delta).finite).toBeUndefined();
    expect(Number.isNaN(delta[global.length - 1])).toBe(true);
    const plan: LocalPlan = { epochs: 1, batchSize: 4, normalizeBySteps: true };
    expect(executor.train(job, global, 0, plan, delta).finite).toBeUndefined();
  });
});
