import { describe, expect, it } from 'vitest';
import { jsKernels } from '../kernels/js.js';
import { makeModel } from '../models/make-model.js';
import { freshOptimizerMemory, Optimizer } from '../optim/optimizer.js';
import { Rng } from '../rng/rng.js';
import { gather, makeBatch, type TrainingData } from './batch.js';
import { ClientExecutor } from './client-executor.js';
import type { LocalPlan, NodePrivacy } from './local-training.js';
import { NodeTrainer } from './node-trainer.js';

const data: TrainingData = (() => {
  const rng = Rng.fromSeed(7);
  const n = 60;
  const d = 5;
  const x = new Float32Array(n * d);
  rng.fillNormal(x);
  const y = Int32Array.from({ length: n }, () => rng.int(3));
  return { x, y, n, d, classes: 3 };
})();
const model = makeModel({ kind: 'mlp', hidden: [6], activation: 'tanh' }, data.d, 3, 'softmax_ce');
const global = new Float32Array(model.layout.size);
model.init(global, Rng.fromSeed(1).fork('init'));
const spec = { kind: 'momentum', lr: 0.1, momentum: 0.9 } as const;
const plan: LocalPlan = { epochs: 2, batchSize: 4 };
// Clients of different sizes, so the executor's buffers are reused at several lengths.
const parts = [
  Int32Array.of(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
  Int32Array.of(20, 21, 22),
  Int32Array.of(30, 40, 50, 59),
];
const rngOf = (id: number) => Rng.fromSeed(3).fork('node', id);

/** McMahan et al.'s ClientUpdate written out plainly: the specification the executor must meet. */
function reference(indices: Int32Array, optimizer: Optimizer, rng: Rng, round: number): Float32Array {
  const local = global.slice();
  const grad = new Float32Array(local.length);
  const batch = makeBatch(data, 4);
  const order = Int32Array.from(indices);
  const shuffler = rng.fork('order', round);
  for (let e = 0; e < plan.epochs; e++) {
    shuffler.shuffle(order);
    for (let s = 0; s < order.length; s += 4) {
      const count = Math.min(4, order.length - s);
      const { x, y } = gather(data, order, s, count, batch);
      model.lossAndGrad(jsKernels, 'softmax_ce', local, x, y, count, grad);
      optimizer.step(local, grad);
    }
  }
  return local.map((v, i) => v - global[i]);
}

describe('ClientExecutor', () => {
  it('trains interleaved clients with shared buffers, each exactly as ClientUpdate on its own', () => {
    const executor = new ClientExecutor(model, 'softmax_ce', jsKernels, data);
    const shared = new Optimizer(spec, model.layout.size, jsKernels);
    const memories = parts.map(() => freshOptimizerMemory());
    const own = parts.map(() => new Optimizer(spec, model.layout.size, jsKernels));
    const delta = new Float32Array(model.layout.size);
    for (const round of [0, 1]) {
      for (const id of [2, 0, 1]) {
        shared.bind(memories[id]);
        const r = executor.train(
          { id, indices: parts[id], rng: rngOf(id), optimizer: shared },
          global,
          round,
          plan,
          delta,
        );
        expect(r.samples).toBe(parts[id].length);
        expect(r.steps).toBe(2 * Math.ceil(parts[id].length / 4));
        expect(Array.from(delta)).toEqual(Array.from(reference(parts[id], own[id], rngOf(id), round)));
      }
    }
  });

  it.each<[string, NodePrivacy]>([
    ['DP-SGD', { dpSgd: { clipNorm: 0.5, noiseMultiplier: 1.1, sampleRate: 0.5, noise: 'seeded' } }],
    ['update clipping and local noise', { update: { clipNorm: 0.2, noiseMultiplier: 0.05, noise: 'seeded' } }],
  ])('with %s gives each client the bits of a NodeTrainer of its own', (_, privacy) => {
    const executor = new ClientExecutor(model, 'softmax_ce', jsKernels, data, privacy);
    const shared = new Optimizer(spec, model.layout.size, jsKernels);
    const memories = parts.map(() => freshOptimizerMemory());
    const trainers = parts.map(
      (idx, id) =>
        new NodeTrainer(
          id,
          model,
          'softmax_ce',
          jsKernels,
          data,
          idx,
          new Optimizer(spec, model.layout.size, jsKernels),
          rngOf(id),
          privacy,
        ),
    );
    const [got, want] = [new Float32Array(global.length), new Float32Array(global.length)];
    for (const round of [0, 1]) {
      for (const id of [1, 2, 0]) {
        shared.bind(memories[id]);
        executor.train({ id, indices: parts[id], rng: rngOf(id), optimizer: shared }, global, round, plan, got);
        trainers[id].train(global, round, plan, want);
        expect(Array.from(got)).toEqual(Array.from(want));
        expect(got.some((v) => v !== 0)).toBe(true);
      }
    }
  });

  it('adds μ(x − x_global) and the correction to every local gradient, and FedNova sends Δ/τ', () => {
    const sgd = { kind: 'sgd', lr: 0.1, weightDecay: 0 } as const;
    const mu = 0.7;
    const correction = Float32Array.from({ length: global.length }, (_, i) => 0.01 * ((i % 5) - 2));
    const full: LocalPlan = { epochs: 3, batchSize: null }; // 3 full-batch steps: no shuffling matters
    const idx = parts[0];
    // The reference: the model's gradient, plus both terms in float64, then x ← x − lr·g by hand.
    const x = global.slice();
    const g = new Float32Array(global.length);
    const batch = makeBatch(data, idx.length);
    const { x: bx, y: by } = gather(data, idx, 0, idx.length, batch);
    for (let step = 0; step < 3; step++) {
      model.lossAndGrad(jsKernels, 'softmax_ce', x, bx, by, idx.length, g);
      for (let i = 0; i < x.length; i++) x[i] -= 0.1 * (g[i] + mu * (x[i] - global[i]) + correction[i]);
    }
    const executor = new ClientExecutor(model, 'softmax_ce', jsKernels, data);
    const optimizer = new Optimizer(sgd, global.length, jsKernels);
    optimizer.bind(freshOptimizerMemory());
    const job = { id: 0, indices: idx, rng: rngOf(0), optimizer, correction };
    const delta = new Float32Array(global.length);
    const r = executor.train(job, global, 0, { ...full, proximalMu: mu }, delta);
    expect(r.steps).toBe(3);
    for (let i = 0; i < x.length; i++) expect(delta[i]).toBeCloseTo(x[i] - global[i], 6);
    const normalized = new Float32Array(global.length);
    optimizer.bind(freshOptimizerMemory());
    executor.train(job, global, 0, { ...full, proximalMu: mu, normalizeBySteps: true }, normalized);
    expect(Array.from(normalized)).toEqual(Array.from(delta, (v) => Math.fround(v * (1 / 3))));
  });

  it('refuses a client without examples', () => {
    const executor = new ClientExecutor(model, 'softmax_ce', jsKernels, data);
    const job = { id: 4, indices: new Int32Array(0), rng: rngOf(4), optimizer: { step: () => {} } };
    expect(() => executor.train(job, global, 0, plan, new Float32Array(global.length))).toThrow(
      'node 4 has no training examples',
    );
  });
});
