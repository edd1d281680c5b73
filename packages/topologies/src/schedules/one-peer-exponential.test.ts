import { describe, expect, it } from 'vitest';
import { degreeStats, edgeCount } from '../graph.js';
import { messageCount, sendTargets } from '../mixing/mixing-matrix.js';
import { checkMixing } from '../mixing/validate.js';
import { denseProduct, productLambda2 } from '../spectral/lambda2.js';
import { onePeerExponentialSchedule } from './one-peer-exponential.js';
import { scheduleMatrices, unionGraph } from './schedule.js';

describe('one-peer exponential schedule', () => {
  it('has node i receive from i − 2^(t mod log2 n) with weights ½, ½', () => {
    const s = onePeerExponentialSchedule(8);
    expect(s.period).toBe(3);
    expect(s.at(0).rows[3]).toEqual({ self: 0.5, neighbors: [{ node: 2, weight: 0.5 }] });
    expect(s.at(2).rows[1]).toEqual({ self: 0.5, neighbors: [{ node: 5, weight: 0.5 }] });
    expect(s.at(4).rows[1]).toEqual(s.at(1).rows[1]);
    expect(Array.from(sendTargets(s.at(1))[6])).toEqual([0]);
  });

  it('is doubly stochastic but not symmetric, with one message per node per round', () => {
    const w = onePeerExponentialSchedule(16).at(1);
    const check = checkMixing(w, { symmetric: false });
    expect(check.rowStochastic && check.columnStochastic && check.nonnegative).toBe(true);
    expect(checkMixing(w).symmetric).toBe(false);
    expect(messageCount(w)).toBe(16);
  });

  it.each([2, 4, 8, 16, 32, 64, 128])('reaches the exact average after log2(n) rounds for n = %i', (n) => {
    const s = onePeerExponentialSchedule(n);
    const product = denseProduct(scheduleMatrices(s, s.period!));
    let worst = 0;
    for (const x of product) worst = Math.max(worst, Math.abs(x - 1 / n));
    expect(worst).toBeLessThanOrEqual(1e-12);
    expect(productLambda2(scheduleMatrices(s, s.period!)).lambda2).toBeLessThan(1e-12);
  });

  it('averages a vector exactly in log2(n) gossip rounds, starting at any round', () => {
    const n = 32;
    const s = onePeerExponentialSchedule(n);
    let x = Float64Array.from({ length: n }, (_, i) => (i * 7919) % 101);
    const mean = x.reduce((a, b) => a + b) / n;
    for (let t = 3; t < 3 + 5; t++) {
      const w = s.at(t);
      x = Float64Array.from(w.rows, (row, i) => row.self * x[i] + row.neighbors[0].weight * x[row.neighbors[0].node]);
    }
    for (const v of x) expect(Math.abs(v - mean)).toBeLessThan(1e-12);
  });

  it('mixes but does not average exactly when n is not a power of two', () => {
    const s = onePeerExponentialSchedule(12);
    expect(s.period).toBe(4);
    const r = productLambda2(scheduleMatrices(s, 4));
    expect(r.lambda2).toBeGreaterThan(1e-3);
    expect(r.lambda2).toBeLessThan(1);
  });

  it('uses the static exponential graph over one period', () => {
    const s = onePeerExponentialSchedule(16);
    const g = unionGraph(scheduleMatrices(s, 4));
    expect(edgeCount(g)).toBe(56);
    expect(degreeStats(g).max).toBe(7);
  });

  it('agrees between the dense and iterative product solvers', () => {
    const s = onePeerExponentialSchedule(200);
    const mats = scheduleMatrices(s, s.period!);
    const exact = productLambda2(mats, { method: 'exact' });
    const iterative = productLambda2(mats, { method: 'iterative' });
    expect(iterative.converged).toBe(true);
    expect(Math.abs(exact.lambda2 - iterative.lambda2)).toBeLessThan(1e-9);
  });
});
