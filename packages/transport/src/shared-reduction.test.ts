import { describe, expect, it } from 'vitest';
import { SharedLane } from './shared-lane.js';

const SIZE = 531;
const ORDER = [2, 5, 6, 11, 17, 30];
const weights = Float64Array.from([0.1, 0.3, 0.05, 0.2, 0.15, 0.2]);

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

  it('reuses an accumulator only once the server and the host both released it, nothing added', () => {
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
    expect(third.complete()).toBe(false); // its old sum is zeroed part by part by the first adds (reduction-chain.ts)
    expect([1, 2, 3].map((i) => third.claimed(i))).toEqual([false, false, false]);
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
