import { describe, expect, it } from 'vitest';
import { completeGraph, gridGraph, starGraph } from '../families/deterministic.js';
import { graphFromEdges } from '../graph.js';
import { toDense } from './mixing-matrix.js';
import { checkMixing } from './validate.js';
import { lazyMixing, maxDegreeWeights, metropolisWeights, mixingWeights, uniformWeights } from './weights.js';

describe('mixing weights', () => {
  it('gives Metropolis weights 1/(1 + max(deg_i, deg_j)) and the rest to self', () => {
    // Path 0-1-2 plus a leaf 3 on node 1: degrees 1, 3, 1, 1.
    const w = metropolisWeights(graphFromEdges(4, [0, 1, 1, 2, 1, 3]));
    const d = toDense(w);
    expect(d[0 * 4 + 1]).toBe(1 / 4);
    expect(d[1 * 4 + 1]).toBeCloseTo(1 / 4, 15);
    expect(d[0]).toBeCloseTo(3 / 4, 15);
    expect(checkMixing(w).problems).toEqual([]);
  });

  it('makes the complete graph average in one step (W = J/n)', () => {
    const d = toDense(metropolisWeights(completeGraph(5)));
    for (const x of d) expect(x).toBeCloseTo(0.2, 15);
  });

  it('gives max-degree weights 1/(1 + d_max) on every edge', () => {
    const d = toDense(maxDegreeWeights(gridGraph({ rows: 1, cols: 4 })));
    expect(d[1]).toBe(1 / 3);
    expect(d[0]).toBeCloseTo(2 / 3, 15);
    expect(d[1 * 4 + 1]).toBeCloseTo(1 / 3, 15);
  });

  it('spreads uniform weights over the closed neighbourhood, which is not symmetric on a star', () => {
    const w = uniformWeights(starGraph(5));
    expect(w.rows[0].self).toBeCloseTo(0.2, 15);
    expect(w.rows[1].neighbors).toEqual([{ node: 0, weight: 0.5 }]);
    const check = checkMixing(w);
    expect(check.rowStochastic).toBe(true);
    expect(check.symmetric).toBe(false);
    expect(check.columnStochastic).toBe(false);
    expect(check.problems.join('\n')).toMatch(/uniform-over-neighbours weights are symmetric only on regular graphs/);
  });

  it('halves off-diagonal weights in the lazy variant', () => {
    const w = lazyMixing(metropolisWeights(starGraph(3)));
    expect(w.rows[0].self).toBeCloseTo((1 + 1 / 3) / 2, 15);
    expect(w.rows[0].neighbors[0].weight).toBeCloseTo(1 / 6, 15);
    expect(mixingWeights(starGraph(3), 'metropolis', { lazy: true })).toEqual(w);
  });

  it('rejects an unknown rule by name', () => {
    expect(() => mixingWeights(starGraph(3), 'best' as never)).toThrow(
      'topology.weights must be one of metropolis, maxdegree, uniform, got "best"',
    );
  });
});
