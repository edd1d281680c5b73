import { describe, expect, it } from 'vitest';
import { roundOutcome, updateMisfit } from './round-outcome.js';

describe('roundOutcome', () => {
  it('orders the accepted updates by node id and weights the training loss by samples', () => {
    const d = (x: number) => new Float32Array([x]);
    const accepted = new Map([
      [7, { samples: 30, trainLoss: 1, delta: d(7) }],
      [2, { samples: 10, trainLoss: 3, delta: d(2), steps: 4 }],
    ]);
    const out = roundOutcome(accepted);
    expect(out.updates.map((u) => [u.node, u.delta[0], u.steps])).toEqual([
      [2, 2, 4],
      [7, 7, undefined],
    ]);
    expect(out.results).toEqual([
      { node: 2, samples: 10, trainLoss: 3 },
      { node: 7, samples: 30, trainLoss: 1 },
    ]);
    // (10·3 + 30·1) / 40, computed independently
    expect(out.trainLoss).toBeCloseTo(1.5, 12);
  });

  it('has no training loss without updates', () => {
    expect(roundOutcome(new Map())).toEqual({ updates: [], results: [], trainLoss: null });
  });
});

describe('updateMisfit', () => {
  const e = { round: 3, node: 5, samples: 8, delta: new Float32Array(4) };
  it('accepts an update of the open round from a selected node that has not answered', () => {
    expect(updateMisfit(e, 3, [1, 5], false, 4)).toBeNull();
  });
  it('names each misfit', () => {
    expect(updateMisfit(e, 4, [5], false, 4)).toBe('update for round 3 while round 4 is open');
    expect(updateMisfit(e, 3, [1], false, 4)).toBe('node 5 was not selected for round 3');
    expect(updateMisfit(e, 3, [5], true, 4)).toBe('node 5 already answered');
    expect(updateMisfit(e, 3, [5], false, 5)).toBe('update length 4 != 5');
    expect(updateMisfit({ ...e, samples: Number.NaN }, 3, [5], false, 4)).toBe('invalid sample count NaN');
    expect(updateMisfit({ ...e, samples: -1 }, 3, [5], false, 4)).toBe('invalid sample count -1');
  });
});
