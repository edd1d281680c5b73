import { describe, expect, it } from 'vitest';
import { loadMnist } from '../data/mnist.js';
import { jsKernels } from '../kernels/js.js';
import { Optimizer } from '../optim/optimizer.js';
import { Rng } from '../rng/rng.js';
import { evaluate } from '../train/evaluate.js';
import { makeModel } from './make-model.js';

describe('Sequential training', () => {
  it('a small conv net learns the bundled MNIST digits in 150 steps (loss falls, accuracy > 0.85)', () => {
    const rng = Rng.fromSeed(5);
    const { train, test } = loadMnist(rng.fork('data'));
    expect(train.shape).toEqual([28, 28]);
    const model = makeModel(
      {
        kind: 'sequential',
        layers: [
          { type: 'conv2d', channels: 6, kernel: 5, stride: 2, padding: 2, activation: 'relu' },
          { type: 'groupnorm', groups: 2 },
          { type: 'maxpool2d', kernel: 2 },
          { type: 'flatten' },
          { type: 'dense' },
        ],
      },
      train.shape ?? train.d,
      10,
      'softmax_ce',
    );
    const params = new Float32Array(model.layout.size);
    model.init(params, rng.fork('model'));
    const opt = new Optimizer({ kind: 'momentum', lr: 0.05, momentum: 0.9 }, params.length, jsKernels);
    const grad = new Float32Array(params.length);
    const batch = 32;
    const x = new Float32Array(batch * model.inputs);
    const y = new Int32Array(batch);
    const order = rng.fork('order').permutation(train.n);
    const losses: number[] = [];
    for (let step = 0; step < 150; step++) {
      for (let b = 0; b < batch; b++) {
        const i = order[(step * batch + b) % train.n];
        x.set(train.x.subarray(i * train.d, (i + 1) * train.d), b * train.d);
        y[b] = train.y[i];
      }
      losses.push(model.lossAndGrad(jsKernels, 'softmax_ce', params, x, y, batch, grad) / batch);
      opt.step(params, grad);
    }
    const first = losses.slice(0, 10).reduce((a, v) => a + v, 0) / 10;
    const last = losses.slice(-10).reduce((a, v) => a + v, 0) / 10;
    expect(last).toBeLessThan(first / 3);
    const held = { x: test.x, y: test.y as Int32Array, n: 1000, d: test.d, classes: 10 };
    const result = evaluate(model, 'softmax_ce', jsKernels, params, held);
    expect(result.accuracy).toBeGreaterThan(0.85);
  });
});
