import { jsKernels } from '@starling/core';
import { describe, expect, it } from 'vitest';
import type { NodeSetup } from './node-setup.js';
import trainTask from './train-task.js';
import { VirtualClients } from './virtual-clients.js';

const setup: NodeSetup = {
  seed: 5,
  data: { kind: 'synthetic-linear', n: 90, d: 4, noise: 0.1 },
  model: { kind: 'linear' },
  loss: 'mse',
  optimizer: { kind: 'adam', lr: 0.05 },
  local: { epochs: 2, batchSize: 3 },
  kernels: 'js',
};
const SIZE = 5; // 4 weights and a bias
const parts = [Int32Array.of(0, 1, 2, 3), Int32Array.of(10, 11, 12, 13, 14, 15, 16), Int32Array.of(40, 41)];
const global = new Float32Array(SIZE).map((_, i) => 0.2 * i - 0.4);

describe('VirtualClients', () => {
  it('trains a client to the bits a pool thread gives it, its optimizer state carried across rounds', () => {
    const clients = new VirtualClients(setup, parts, jsKernels);
    const inline = new Float32Array(SIZE);
    let state = null;
    for (const round of [0, 1, 2]) {
      // Other clients train in between: the shared executor must not leak anything from one to the next.
      for (const id of [2, 1, 0]) {
        clients.train(id, global, round, setup.local, inline);
        if (id !== 1) continue;
        const pooled = trainTask({ setup, node: 1, indices: parts[1], round, global, state });
        expect(Array.from(inline)).toEqual(Array.from(pooled.delta));
        expect(pooled.state.step).toBe(2 * 3 * (round + 1));
        state = pooled.state;
      }
    }
  });

  it('knows its registered ids', () => {
    const clients = new VirtualClients(setup, parts, jsKernels);
    expect([-1, 0, 2, 3, 1.5].map((id) => clients.has(id))).toEqual([false, true, true, false, false]);
  });

  it('clients restored from state() train on to the bits of clients that never stopped', () => {
    const whole = new VirtualClients(setup, parts, jsKernels);
    const first = new VirtualClients(setup, parts, jsKernels);
    const a = new Float32Array(SIZE);
    const b = new Float32Array(SIZE);
    for (const round of [0, 1])
      for (const id of [0, 1]) {
        whole.train(id, global, round, setup.local, a);
        first.train(id, global, round, setup.local, b);
      }
    const saved = first.state();
    expect([...saved.keys()]).toEqual([0, 1]);
    first.train(0, global, 2, setup.local, b); // a state is a copy: training on does not change it
    const resumed = new VirtualClients(setup, parts, jsKernels);
    resumed.load(saved);
    for (const id of [0, 1]) {
      whole.train(id, global, 2, setup.local, a);
      resumed.train(id, global, 2, setup.local, b);
      expect(Array.from(b)).toEqual(Array.from(a));
    }
    // Without the restored Adam moments and step count, the same round gives other bits.
    new VirtualClients(setup, parts, jsKernels).train(1, global, 2, setup.local, b);
    expect(Array.from(b)).not.toEqual(Array.from(a));
  });

  it('replays a client whose Δ was only added: the bits it would have written, its step count as after one training', () => {
    // Plain SGD with a decaying rate: the replay must start from the step count the first training did.
    const sgd: NodeSetup = {
      ...setup,
      optimizer: { kind: 'sgd', lr: 0.1, schedule: { kind: 'exponential', gamma: 0.7 } },
    };
    const [fused, plain] = [new VirtualClients(sgd, parts, jsKernels), new VirtualClients(sgd, parts, jsKernels)];
    const [a, b] = [new Float32Array(SIZE).fill(7), new Float32Array(SIZE)];
    expect(() => fused.replay(1, global, 0, sgd.local, a)).toThrow(/no training to replay/);
    for (const round of [0, 1]) {
      const acc = new Float64Array(SIZE);
      const r = fused.train(1, global, round, sgd.local, a, undefined, { acc, weight: 0.5, discard: true });
      expect(r.discarded).toBe(true);
      expect(Array.from(a)).toEqual([7, 7, 7, 7, 7]); // not written
      const again = fused.replay(1, global, round, sgd.local, a);
      plain.train(1, global, round, sgd.local, b);
      expect(Array.from(a)).toEqual(Array.from(b));
      expect(again.trainLoss).toBe(r.trainLoss);
      expect(Array.from(acc)).toEqual(Array.from(b, (v) => 0.5 * v));
      a.fill(7);
    }
    expect(fused.state().get(1)?.step).toBe(plain.state().get(1)?.step);
    const adam = new VirtualClients(setup, parts, jsKernels);
    adam.train(0, global, 0, setup.local, a, undefined, { acc: new Float64Array(SIZE), weight: 1, discard: true });
    expect(() => adam.replay(0, global, 0, setup.local, a)).toThrow(/cannot be replayed/);
  });
});
