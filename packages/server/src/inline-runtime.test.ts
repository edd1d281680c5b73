import { DenseNet, jsKernels, NodeTrainer, Rng, type StepOptimizer } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { runInline } from './inline-runtime.js';
import { RoundMachine } from './round-machine.js';
import { ServerOptimizer } from './server-optimizer.js';

const sgd = (lr: number): StepOptimizer => ({
  step: (p, g) => jsKernels.optimizerStep({ kind: 'sgd', lr, weightDecay: 0 }, p, g, []),
});

describe('runInline', () => {
  it('FedSGD over all clients equals one full-batch gradient step on the union of their data', async () => {
    const rng = Rng.fromSeed(3);
    const n = 12;
    const d = 3;
    const x = new Float32Array(n * d);
    rng.fillNormal(x);
    const y = Float32Array.from({ length: n }, () => rng.normal());
    const data = { x, y, n, d, classes: 0 };
    const model = new DenseNet({ inputs: d, hidden: [], outputs: 1, activation: 'identity', init: 'xavier' });
    const start = new Float32Array(model.layout.size);
    model.init(start, rng.fork('init'));
    const lr = 0.1;

    // Reference: one gradient step of the mean loss over all n examples.
    const grad = new Float32Array(model.layout.size);
    model.lossAndGrad(jsKernels, 'mse', start, x, y, n, grad);
    const expected = start.map((p, i) => p - lr * grad[i]);

    // Three clients with unequal shares (5, 4, 3), one full-batch step each, weighted by n_k.
    const parts = [Int32Array.of(0, 1, 2, 3, 4), Int32Array.of(5, 6, 7, 8), Int32Array.of(9, 10, 11)];
    const nodes = new Map(
      parts.map((idx, k) => [k, new NodeTrainer(k, model, 'mse', jsKernels, data, idx, sgd(lr), rng.fork('node', k))]),
    );
    const global = start.slice();
    const plan = {
      rounds: 1,
      participation: { kind: 'fraction' as const, value: 1 },
      minCompletion: 1,
      deadlineMs: null,
      maxClientWeight: 1,
    };
    const m = new RoundMachine(global, [0, 1, 2], plan, new ServerOptimizer({ kind: 'plain' }), jsKernels, rng);
    const rounds = await runInline(m, nodes, { epochs: 1, batchSize: null }, () => {});
    expect(rounds).toBe(1);
    for (let i = 0; i < expected.length; i++) expect(global[i]).toBeCloseTo(expected[i], 5);
  });
});
