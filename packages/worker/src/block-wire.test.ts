import { describe, expect, it } from 'vitest';
import { packNodes, packResults, unpackNodes, unpackResults } from './block-wire.js';
import type { NodeSetup } from './node-setup.js';
import { type BlockNode, type TrainBlockTask, trainBlock } from './train-block.js';
import type { TrainResult } from './train-task.js';

const examples = Int32Array.from({ length: 64 }, (_, i) => (i * 7) % 64);
const shared = new Int32Array(new SharedArrayBuffer(4 * examples.length));
shared.set(examples);
const sgd = (step: number) => ({ kind: 'sgd' as const, step, slots: [] });

describe('packNodes / unpackNodes', () => {
  const nodes: BlockNode[] = [
    { node: 3, indices: shared.subarray(0, 8), state: null, upState: null },
    { node: 8, indices: shared.subarray(8, 16), state: sgd(40), upState: null },
    {
      node: 9,
      indices: shared.subarray(16, 20),
      state: { kind: 'momentum', step: 2, slots: [new Float32Array(3)] },
      upState: null,
    },
    { node: 11, indices: shared.subarray(20, 28), state: sgd(7), upState: null, local: { epochs: 2, batchSize: 4 } },
    { node: 12, indices: Int32Array.from([1, 2]), state: null, upState: null },
    { node: 15, indices: shared.subarray(28, 40), state: sgd(0), upState: null },
  ];

  it('gives back every node as it was, through a structured clone, the plain ones as views of the shared examples', () => {
    const packed = structuredClone(packNodes(nodes, shared));
    const back = unpackNodes(packed);
    expect(back).toEqual(nodes);
    expect(Object.keys(packed.other).map(Number)).toEqual([2, 3, 4]); // slots, a local plan, a foreign buffer
    for (const j of [0, 1, 5]) {
      expect(back[j].indices.buffer).toBe(packed.examples.buffer);
      expect(Array.from(back[j].indices)).toEqual(Array.from(nodes[j].indices));
    }
  });

  it('sends a node whole when its state kind is not the block packed first', () => {
    const mixed: BlockNode[] = [nodes[1], { ...nodes[0], state: { kind: 'adam', step: 1, slots: [] } }];
    const packed = packNodes(mixed, shared);
    expect(Object.keys(packed.other)).toEqual(['1']);
    expect(unpackNodes(packed)).toEqual(mixed);
  });
});

describe('packResults / unpackResults', () => {
  const setup: NodeSetup = {
    seed: 3,
    data: { kind: 'synthetic-linear', n: 64, d: 5, noise: 0.1 },
    model: { kind: 'linear' },
    loss: 'mse',
    optimizer: { kind: 'sgd', lr: 0.05 },
    local: { epochs: 1, batchSize: 4 },
    kernels: 'js',
  };
  const P = 6;
  const global = new Float32Array(new SharedArrayBuffer(4 * P)).map((_, i) => 0.05 * i - 0.1);

  it('gives back a trained block bit for bit, Δ as views of the same out, through a structured clone', () => {
    const task: TrainBlockTask = {
      setup,
      round: 1,
      global,
      nodes: [5, 2, 7].map((node, j) => ({
        node,
        indices: shared.subarray(8 * j, 8 * j + 8),
        state: sgd(j),
        upState: null,
      })),
      out: new Float32Array(new SharedArrayBuffer(4 * P * 3)),
      scan: true,
    };
    const direct = trainBlock(task);
    const packed = structuredClone(packResults(direct));
    expect(Object.keys(packed.other)).toEqual([]);
    const back = unpackResults(packed, (j) => task.out.subarray(j * P, (j + 1) * P));
    expect(back).toEqual(direct);
    back.results.forEach((r, k) => {
      expect(r.delta.buffer).toBe(task.out.buffer);
      expect(r.trainLoss).toBe(direct.results[k].trainLoss);
      expect(r.state.step).toBe(direct.results[k].state.step);
    });
    expect(back.finite).toEqual([true, true, true]);
  });

  it('sends a result whole when it is not plain, keeping its flags and position', () => {
    const plain: TrainResult = {
      node: 1,
      delta: new Float32Array(2),
      trainLoss: 0.5,
      samples: 8,
      steps: 2,
      state: sgd(2),
      added: true,
    };
    const diverged: TrainResult = {
      ...plain,
      node: 4,
      trainLoss: Number.NaN,
      nonFinite: 'update[0] is NaN',
      added: undefined,
    };
    const done = { results: [plain, diverged], positions: [3, 0], finite: [true, false] };
    const packed = structuredClone(packResults(done));
    expect(Object.keys(packed.other)).toEqual(['1']);
    const back = unpackResults(packed, () => plain.delta);
    expect(back.positions).toEqual([3, 0]);
    expect(back.finite).toEqual([true, false]);
    expect(back.results[0]).toEqual(plain);
    expect(back.results[1].nonFinite).toBe('update[0] is NaN');
    expect(back.results[1].node).toBe(4);
  });
});
