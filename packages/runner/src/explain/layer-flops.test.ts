import { makeModel } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { explainExperiment } from './explain-experiment.js';
import { formatExplanation } from './format-explanation.js';
import { flopsPlan, localExamples, sequentialFlops } from './layer-flops.js';

// McMahan et al.'s CNN on 1×28×28 by hand: conv1 5×5×32 (pad 2) -> 32×28×28, pool -> 32×14×14,
// conv2 5×5×64 over 32 channels -> 64×14×14, pool -> 64×7×7, fc 3136 -> 512, fc 512 -> 10.
const conv1 = 2 * 32 * (1 * 25) * (28 * 28);
const conv2 = 2 * 64 * (32 * 25) * (14 * 14); // 2·64·800·196
const fc1 = 2 * 3136 * 512;
const fc2 = 2 * 512 * 10;
const pool1 = 32 * 14 * 14;
const pool2 = 64 * 7 * 7;

describe('explain: FLOPs of Sequential models', () => {
  it('counts cnn-fedavg per layer against the closed forms (forward, and backward = weight + input gradients)', () => {
    const model = makeModel({ kind: 'cnn-fedavg' }, [1, 28, 28], 10, 'softmax_ce');
    const f = sequentialFlops(model);
    if (f === null) throw new Error('cnn-fedavg is Sequential');
    const rows = f.layers.map((l) => [l.type, l.output, l.forward, l.backward]);
    expect(rows).toEqual([
      ['conv2d', '32×28×28', conv1, conv1], // the first layer computes no input gradient
      ['maxpool2d', '32×14×14', 4 * pool1, pool1],
      ['conv2d', '64×14×14', conv2, 2 * conv2],
      ['maxpool2d', '64×7×7', 4 * pool2, pool2],
      ['flatten', '[3136]', 0, 0],
      ['dense', '[512]', fc1, 2 * fc1],
      ['dense', '[10]', fc2, 2 * fc2],
    ]);
    expect(conv2).toBe(20_070_400);
    const forward = conv1 + conv2 + fc1 + fc2 + 4 * (pool1 + pool2);
    const backward = conv1 + 2 * (conv2 + fc1 + fc2) + pool1 + pool2;
    expect(f.per_example).toEqual({ forward, backward, train: forward + backward });
  });

  it('has no FLOPs plan for models that are not Sequential', () => {
    const mlp = makeModel({ kind: 'mlp', hidden: [8], activation: 'relu', init: 'kaiming' }, 4, 3, 'softmax_ce');
    expect(sequentialFlops(mlp)).toBeNull();
    expect(flopsPlan(mlp, { epochs: 1, batchSize: 2 }, [Int32Array.from([0, 1])], [[0]])).toBeNull();
  });

  it('counts the examples of a local round as the client executor steps: epochs, batches, a step cap', () => {
    expect(localExamples(600, { epochs: 5, batchSize: 10 })).toBe(3000);
    expect(localExamples(605, { epochs: 1, batchSize: 10 })).toBe(605); // a last batch of 5
    expect(localExamples(600, { epochs: 1, batchSize: null, maxSteps: 1 })).toBe(600); // FedSGD
    expect(localExamples(25, { epochs: 2, batchSize: 10, maxSteps: 3 })).toBe(25); // 10 + 10 + 5
    expect(localExamples(25, { epochs: 2, batchSize: 10, maxSteps: 4 })).toBe(35); // one more step into epoch 2
    expect(localExamples(0, { epochs: 3, batchSize: 10 })).toBe(0);
  });

  it('starling explain reports them per layer, per example and per round (text and --json)', () => {
    const e = explainExperiment(
      {
        name: 'flops',
        seed: 1,
        data: { kind: 'mnist', testFraction: 0.2, limit: 200 },
        model: { kind: 'cnn-fedavg' },
        loss: { kind: 'softmax_ce' },
        optimizer: { kind: 'sgd', lr: 0.05 },
        algorithm: { kind: 'fedavg', rounds: 3, clients: 4, fraction: 0.5, localEpochs: 2, batchSize: 10 },
      },
      { kernels: 'native' },
    );
    const f = e.flops;
    if (f === null) throw new Error('no flops plan');
    expect(f.layers[2].forward).toBe(conv2);
    // 200 examples over 4 IID clients (50 each), 2 a round, 2 epochs: 200 examples a round.
    expect(f.examples_per_round).toBe(200);
    expect(f.per_round).toBe(200 * f.per_example.train);
    const text = formatExplanation(e);
    expect(text).toContain('layer 2 conv2d -> 64×14×14: forward 20,070,400, backward 40,140,800');
    expect(text).toMatch(/per round: [\d.]+ GFLOP \(200 examples trained/);
  });
});
