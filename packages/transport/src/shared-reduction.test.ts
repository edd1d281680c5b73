import { jsKernels, Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { SharedLane } from './shared-lane.js';
import { markAndDrain } from './shared-reduction.js';

const SIZE = 531;
const ORDER = [2, 5, 6, 11, 17, 30];
const deltas = ORDER.map((_, i) => {
  const x = new Float32Array(SIZE);
  Rng.fromSeed(4).fork('delta', i).fillUniform(x, -2, 2);
  for (let j = i; j < SIZE; j += 37) x[j] *= 1e-6;
  return x;
});
const weights = Float64Array.from([0.1, 0.3, 0.05, 0.2, 0.15, 0.2]);

/** Σ p_i Δ_i by `accumulate` in increasing i on one thread, from zero (what the round machine's stream does). */
function sequential(): Float64Array {
  const acc = new Float64Array(SIZE);
  for (let i = 0; i < ORDER.length; i++) jsKernels.accumulate(weights[i], deltas[i], acc);
  return acc;
}

function opened() {
  const lane = new SharedLane();
  const reduction = lane.openReduction(4, ORDER, weights, SIZE, 'js');
  const claim = lane.claimReduction(4, ORDER);
  if (!claim) throw new Error('no claim');
  const added: number[] = [];
  const add = (i: number) => {
    added.push(i);
    jsKernels.accumulate(claim.chain.weights[i], deltas[i], claim.chain.acc);
  };
  return { lane, reduction, claim, added, add };
}

describe('markAndDrain', () => {
  it('adds in increasing order whatever order the nodes are marked in, with the bits of one thread', () => {
    for (const marks of [
      [0, 1, 2, 3, 4, 5],
      [5, 4, 3, 2, 1, 0],
      [1, 3, 0, 5, 2, 4],
    ]) {
      const { reduction, claim, added, add } = opened();
      for (const i of marks) markAndDrain(claim.chain, i, true, add);
      expect(added).toEqual([0, 1, 2, 3, 4, 5]);
      expect(reduction.complete()).toBe(true);
      expect(Array.from(reduction.acc)).toEqual(Array.from(sequential()));
    }
  });

  it('adds nothing past a node marked not to be added, and the reduction never completes', () => {
    const { reduction, claim, added, add } = opened();
    for (const i of [0, 1, 3, 4, 5]) markAndDrain(claim.chain, i, true, add);
    markAndDrain(claim.chain, 2, false, add);
    expect(added).toEqual([0, 1]);
    expect(reduction.complete()).toBe(false);
    expect(reduction.claimed(2)).toBe(false);
    expect(reduction.claimed(3)).toBe(true);
  });

  it('leaves the adding to the thread that holds the lock, which takes what became ready meanwhile', () => {
    const { reduction, claim, added } = opened();
    // While node 0 is being added (the lock is held), nodes 1 and 2 are marked by "another thread":
    // their marks return at once, and the holder adds them before it lets go.
    const add = (i: number) => {
      added.push(i);
      if (i === 0) {
        markAndDrain(claim.chain, 1, true, () => added.push(-1));
        markAndDrain(claim.chain, 2, true, () => added.push(-1));
      }
      jsKernels.accumulate(weights[i], deltas[i], claim.chain.acc);
    };
    markAndDrain(claim.chain, 0, true, add);
    expect(added).toEqual([0, 1, 2]);
    for (const i of [3, 4, 5]) markAndDrain(claim.chain, i, true, add);
    expect(reduction.complete()).toBe(true);
  });
});

describe('SharedLane reductions', () => {
  it('lets a host claim only the open round with exactly the selected nodes, once', () => {
    const lane = new SharedLane();
    lane.openReduction(7, ORDER, weights, SIZE, 'native');
    expect(lane.claimReduction(6, ORDER)).toBeNull();
    expect(lane.claimReduction(7, ORDER.slice(1))).toBeNull();
    expect(lane.claimReduction(7, [...ORDER].reverse())).toBeNull();
    const claim = lane.claimReduction(7, ORDER);
    expect(claim?.chain.backend).toBe('native');
    expect(Array.from(claim?.chain.weights ?? [])).toEqual(Array.from(weights));
    expect(lane.claimReduction(7, ORDER)).toBeNull();
  });

  it('reuses an accumulator only once the server and the host both released it, zeroed', () => {
    const lane = new SharedLane();
    const first = lane.openReduction(1, ORDER, weights, SIZE, 'js');
    const claim = lane.claimReduction(1, ORDER);
    first.acc.fill(3);
    first.release(); // the server's round closed; the host's blocks still run
    const second = lane.openReduction(2, ORDER, weights, SIZE, 'js');
    expect(second).not.toBe(first);
    claim?.release();
    second.release();
    const third = lane.openReduction(3, ORDER, weights, SIZE, 'js');
    expect(third).toBe(first);
    expect(third.acc.every((v) => v === 0)).toBe(true);
    expect(third.complete()).toBe(false);
  });

  it('hands a batch of updates to the listening server as the messages it would have received', () => {
    const lane = new SharedLane();
    const ref = (at: number) => lane.reference(0, at, 4);
    const batch = [3, 5].map((node) => ({
      header: { type: 'update' as const, round: 1, node, weight: 8, metrics: {} },
      ref: ref(node * 4),
    }));
    expect(lane.postUpdates('h', 'run', batch)).toBe(false);
    const one: unknown[] = [];
    lane.listen((m) => one.push(m));
    expect(lane.postUpdates('h', 'run', batch)).toBe(true);
    const expected = [3, 5].map((node) => ({
      peer: 'h',
      header: { type: 'update', round: 1, node, weight: 8, run: 'run' },
      tensors: [{ name: 'delta', codec: 'shm', data: ref(node * 4) }],
    }));
    expect(one).toMatchObject(expected); // no batch handler: one message each, in order
    const batches: unknown[][] = [];
    lane.listen(
      () => expect.unreachable('a batch goes to the batch handler'),
      (ms) => batches.push([...ms]),
    );
    expect(lane.postUpdates('h', 'run', batch)).toBe(true);
    expect(batches).toMatchObject([expected]);
  });
});
