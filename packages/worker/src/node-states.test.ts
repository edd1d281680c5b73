import type { OptimizerState } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { NodeStates } from './node-states.js';

const opt = (step: number): OptimizerState => ({ kind: 'sgd', step, slots: [] });

describe('NodeStates', () => {
  it('starts fresh, then from the state after the node’s last round', () => {
    const s = new NodeStates();
    expect(s.startOf(3, 0)).toEqual({ state: null, upState: null });
    s.record(3, 0, s.startOf(3, 0), opt(1), undefined);
    expect(s.startOf(3, 2).state).toEqual(opt(1));
  });

  it('a round sent again starts from the state before it, so training it twice leaves the same state', () => {
    const s = new NodeStates();
    s.record(1, 4, s.startOf(1, 4), opt(10), { memory: new Float32Array([1]) });
    const start5 = s.startOf(1, 5);
    s.record(1, 5, start5, opt(11), undefined);
    expect(s.startOf(1, 5)).toBe(start5); // round 5 again: from before round 5
    expect(s.startOf(1, 5).upState).toEqual({ memory: new Float32Array([1]) }); // the compressor state carries over
    s.record(1, 5, s.startOf(1, 5), opt(11), undefined);
    expect(s.startOf(1, 6).state).toEqual(opt(11));
  });

  it('forgets the state before a round once a later round arrives, and ignores an older result', () => {
    const s = new NodeStates();
    s.record(2, 7, s.startOf(2, 7), opt(7), undefined);
    s.settle(8);
    expect(s.startOf(2, 7).state).toEqual(opt(7)); // round 7 cannot come again: the latest state
    s.record(2, 9, s.startOf(2, 9), opt(9), undefined);
    s.record(2, 8, s.startOf(2, 8), opt(8), undefined); // a late result of an older round
    expect(s.startOf(2, 10).state).toEqual(opt(9));
  });
});
