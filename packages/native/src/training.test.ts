import {
  evaluate,
  gather,
  jsKernels,
  type Kernels,
  makeBatch,
  makeModel,
  Rng,
  type TrainingData,
} from '@starling/core';
import { describe, expect, it } from 'vitest';
import { loadKernels } from './load-kernels.js';

const native = loadKernels('native').kernels;

/** Four overlapping Gaussian blobs in 24 dimensions (std 1.5 around centres with entries in [−1, 1]). */
function blobs(n: number, rng: Rng): TrainingData {
  const d = 24;
  const centres = Array.from({ length: 4 }, (_, c) =>
    Float32Array.from({ length: d }, (_, j) => ((c * 7 + j * 3) % 5) * 0.5 - 1),
  );
  const x = new Float32Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(4);
    for (let j = 0; j < d; j++) x[i * d + j] = centres[y[i]][j] + rng.normal(0, 1.5);
  }
  return { x, y, n, d, classes: 4 };
}

/** Trains a 24-32-32-4 ReLU MLP with plain SGD and returns its test loss and accuracy. */
function train(kernels: Kernels): { loss: number; accuracy: number } {
  const rng = Rng.fromSeed(11);
  const trainSet = blobs(800, rng.fork('train'));
  const testSet = blobs(400, rng.fork('test'));
  const model = makeModel({ kind: 'mlp', hidden: [32, 32] }, 24, 4, 'softmax_ce');
  const params = new Float32Array(model.layout.size);
  const grad = new Float32Array(model.layout.size);
  model.init(params, rng.fork('init'));
  const batch = makeBatch(trainSet, 20);
  const order = rng.fork('order').permutation(trainSet.n);
  for (let epoch = 0; epoch < 3; epoch++) {
    for (let start = 0; start < trainSet.n; start += 20) {
      const b = gather(trainSet, order, start, 20, batch);
      model.lossAndGrad(kernels, 'softmax_ce', params, b.x, b.y, 20, grad);
      kernels.optimizerStep({ kind: 'sgd', lr: 0.05, weightDecay: 0 }, params, grad, []);
    }
  }
  const result = evaluate(model, 'softmax_ce', kernels, params, testSet);
  return { loss: result.loss, accuracy: result.accuracy ?? 0 };
}

describe('a whole training run', () => {
  it('ends at the same test accuracy (±1 point) and loss (±0.1%) with native and js kernels', () => {
    const js = train(jsKernels);
    const nat = train(native);
    expect(js.accuracy).toBeGreaterThan(0.6); // it learned something, so the comparison means something
    expect(Math.abs(nat.accuracy - js.accuracy)).toBeLessThanOrEqual(0.01);
    expect(Math.abs(nat.loss - js.loss) / js.loss).toBeLessThanOrEqual(1e-3);
  });
});
