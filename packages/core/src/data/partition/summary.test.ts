import { describe, expect, it } from 'vitest';
import { summarizePartition } from './summary.js';

describe('summarizePartition', () => {
  it('counts examples by label per client and measures label skew by total variation', () => {
    const labels = Int32Array.from([0, 0, 1, 1, 2, 2]);
    const parts = [Int32Array.from([0, 1]), Int32Array.from([2, 4]), Int32Array.from([3, 5])];
    const s = summarizePartition(parts, labels, 3);
    expect(s.clients).toEqual([
      { id: 0, n: 2, byLabel: [2, 0, 0] },
      { id: 1, n: 2, byLabel: [0, 1, 1] },
      { id: 2, n: 2, byLabel: [0, 1, 1] },
    ]);
    // Client 0: ½(|1 − ⅓| + ⅓ + ⅓) = ⅔; clients 1, 2: ½(⅓ + ⅙ + ⅙) = ⅓; mean 4/9.
    expect(s.labelSkew).toBeCloseTo(4 / 9, 12);
    expect(s.labelsPerClient).toEqual({ min: 1, max: 2, mean: 5 / 3 });
    expect(s.sizes).toEqual({ min: 2, max: 2, mean: 2, std: 0 });
    expect(s.n).toBe(6);
  });

  it('summarizes regression data by sizes only and serializes to JSON', () => {
    const s = summarizePartition([Int32Array.from([0]), Int32Array.from([1, 2, 3])], new Float32Array(4), 0);
    expect(s.clients[1]).toEqual({ id: 1, n: 3, byLabel: [] });
    expect(s.sizes).toEqual({ min: 1, max: 3, mean: 2, std: 1 });
    expect(s.labelSkew).toBe(0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
