import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { ringGraph } from '../families/deterministic.js';
import { checkMixing } from '../mixing/validate.js';
import { productLambda2 } from '../spectral/lambda2.js';
import { randomMatchingSchedule } from './random-matching.js';
import { scheduleMatrices } from './schedule.js';

describe('random matching schedule', () => {
  it('pairs ⌊n/2⌋ disjoint couples with weights ½ and is symmetric doubly stochastic', () => {
    const w = randomMatchingSchedule({ nodes: 9 }, Rng.fromSeed(1)).at(0);
    const paired = w.rows.filter((r) => r.neighbors.length === 1);
    expect(paired.length).toBe(8);
    for (const [i, row] of w.rows.entries()) {
      if (row.neighbors.length === 0) expect(row.self).toBe(1);
      else expect(w.rows[row.neighbors[0].node].neighbors[0].node).toBe(i);
    }
    const check = checkMixing(w);
    expect([check.symmetric, check.rowStochastic, check.columnStochastic]).toEqual([true, true, true]);
  });

  it('replays any round alone and changes from round to round', () => {
    const a = randomMatchingSchedule({ nodes: 16 }, Rng.fromSeed(5));
    const b = randomMatchingSchedule({ nodes: 16 }, Rng.fromSeed(5));
    const later = b.at(7);
    expect(a.at(0)).not.toEqual(a.at(1));
    expect(a.at(7)).toEqual(later);
    expect(a.period).toBeUndefined();
  });

  it('matches only along the edges of a base graph', () => {
    const ring = ringGraph(10);
    const s = randomMatchingSchedule({ graph: ring }, Rng.fromSeed(2));
    for (let t = 0; t < 5; t++) {
      const w = s.at(t);
      expect(checkMixing(w, { graph: ring }).onGraph).toBe(true);
      expect(w.rows.filter((r) => r.neighbors.length > 0).length).toBeGreaterThanOrEqual(6); // maximal: ≥ 3 pairs
    }
  });

  it('contracts the disagreement over a window of rounds', () => {
    const s = randomMatchingSchedule({ nodes: 32 }, Rng.fromSeed(3));
    expect(productLambda2(scheduleMatrices(s, 1)).lambda2).toBeCloseTo(1, 12);
    expect(productLambda2(scheduleMatrices(s, 20)).lambda2).toBeLessThan(0.5);
  });
});
