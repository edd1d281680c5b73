import { jsKernels } from '@starling/core';
import { SharedLane } from '@starling/transport';
import { transferableSymbol, valueSymbol } from 'piscina';
import { describe, expect, it } from 'vitest';
import { type PackedResults, packNodes, unpackResults } from './block-wire.js';
import type { NodeSetup } from './node-setup.js';
import { pooledTrainBlock, type TrainBlockResult, type TrainBlockTask, trainBlock } from './train-block.js';
import trainTask from './train-task.js';

const setup: NodeSetup = {
  seed: 5,
  data: { kind: 'synthetic-linear', n: 64, d: 6, noise: 0.1 },
  model: { kind: 'linear' },
  loss: 'mse',
  optimizer: { kind: 'momentum', lr: 0.05, momentum: 0.9 },
  local: { epochs: 1, batchSize: 4 },
  kernels: 'js',
};
const SIZE = 7;
const global = new Float32Array(new SharedArrayBuffer(4 * SIZE)).map((_, i) => 0.1 * i - 0.3);
const nodes = [4, 1, 9].map((node) => ({
  node,
  indices: Int32Array.from({ length: 8 }, (_, i) => (node * 5 + i * 3) % 64),
  state: null,
  upState: null,
}));
const block = (): TrainBlockTask => ({
  setup,
  round: 2,
  global,
  nodes,
  out: new Float32Array(new SharedArrayBuffer(4 * SIZE * nodes.length)),
  scan: true,
});

describe('trainBlock', () => {
  it('gives each node bit for bit what trainTask gives it alone, Δ_j in slice j of the shared out', () => {
    const t = block();
    const { results } = trainBlock(t);
    nodes.forEach((n, j) => {
      const alone = trainTask({ setup, node: n.node, indices: n.indices, round: 2, global, state: null });
      expect(results[j].node).toBe(n.node);
      expect(Array.from(results[j].delta)).toEqual(Array.from(alone.delta));
      expect(Array.from(t.out.subarray(j * SIZE, (j + 1) * SIZE))).toEqual(Array.from(alone.delta));
      expect(results[j].delta.buffer).toBe(t.out.buffer);
      expect(results[j].state.slots.map((s) => Array.from(s))).toEqual(alone.state.slots.map((s) => Array.from(s)));
    });
    expect(new Set(results.map((r) => r.delta[0])).size).toBe(3); // three different updates
  });

  it('reports each raw Δ finite after scanning it, and a non-finite one as not', () => {
    expect(trainBlock(block()).finite).toEqual([true, true, true]);
    expect(trainBlock({ ...block(), scan: false }).finite).toEqual([false, false, false]);
    const huge = block();
    huge.global.fill(3e38); // the local step overflows: Δ holds ±Inf or NaN
    try {
      const r = trainBlock(huge);
      expect(r.results.some((x) => x.delta.some((v) => !Number.isFinite(v)))).toBe(true);
      expect(r.finite).toEqual(r.results.map((x) => x.delta.every((v) => Number.isFinite(v))));
    } finally {
      global.set(Float32Array.from({ length: SIZE }, (_, i) => 0.1 * i - 0.3));
    }
  });

  it('with a shared reduction, adds every Δ into the chain in order, bit for bit as accumulate one by one', () => {
    const t = block();
    const lane = new SharedLane();
    const weights = Float64Array.from([0.5, 0.25, 0.25]);
    const order = nodes.map((n) => n.node);
    const reduction = lane.openReduction(2, order, weights, SIZE, 'js');
    const claim = lane.claimReduction(2, order);
    if (!claim) throw new Error('no claim');
    const reduce = { chain: claim.chain, deltas: t.out, index: 0, claim: new Int32Array(new SharedArrayBuffer(4)) };
    // Two copies of the task share the nodes by claims (here one after the other: the first takes all).
    const first = trainBlock({ ...t, reduce });
    const second = trainBlock({ ...t, reduce });
    expect(first.positions).toEqual([0, 1, 2]);
    expect(second.results).toEqual([]);
    expect(reduction.complete()).toBe(true);
    const want = new Float64Array(SIZE);
    for (const [j, r] of first.results.entries()) jsKernels.accumulate(weights[j], r.delta, want);
    expect(Array.from(reduction.acc)).toEqual(Array.from(want));
  });

  it('refuses an out of the wrong size', () => {
    expect(() => trainBlock({ ...block(), out: new Float32Array(SIZE) })).toThrow(/block out has 7 floats/);
  });

  it('pooled: takes packed nodes, transfers the optimizer state vectors, never the shared out', async () => {
    const t = block();
    const moved: object = await pooledTrainBlock({ ...t, nodes: packNodes(t.nodes, new Int32Array(0)) });
    const transferred: ArrayBuffer[] = Reflect.get(moved, transferableSymbol);
    const packed: PackedResults = Reflect.get(moved, valueSymbol);
    expect(transferred.length).toBe(3); // one momentum buffer per node
    expect(transferred.every((b) => b instanceof ArrayBuffer)).toBe(true);
    const value: TrainBlockResult = unpackResults(packed, (j) => t.out.subarray(j * SIZE, (j + 1) * SIZE));
    expect(value.results.length).toBe(3);
    expect(value.results.every((r) => r.delta.buffer instanceof SharedArrayBuffer)).toBe(true);
    const direct = trainBlock(block());
    expect(value.results.map((r) => Array.from(r.delta))).toEqual(direct.results.map((r) => Array.from(r.delta)));
  });
});
