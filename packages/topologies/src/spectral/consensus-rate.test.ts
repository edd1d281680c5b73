import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { exponentialGraph, ringGraph, torusGraph } from '../families/deterministic.js';
import type { Graph } from '../graph.js';
import { applyCsr, toCsr } from '../mixing/mixing-matrix.js';
import { metropolisWeights } from '../mixing/weights.js';
import { mixingLambda2 } from './lambda2.js';

/** (1/n) Σ (x_i − x̄)². */
function consensusError(x: Float64Array): number {
  const mean = x.reduce((a, b) => a + b) / x.length;
  return x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
}

describe('|lambda_2| predicts the simulated consensus rate', () => {
  const cases: [string, Graph][] = [
    ['ring of 16', ringGraph(16)],
    ['4 × 4 torus', torusGraph({ nodes: 16 })],
    ['exponential graph of 16', exponentialGraph(16)],
  ];
  it.each(cases)('%s: e_{t+1} ≤ |lambda_2|² e_t, with equality in the limit', (_, graph) => {
    const w = metropolisWeights(graph);
    const { lambda2 } = mixingLambda2(w);
    const csr = toCsr(w);
    let x = new Float64Array(graph.n);
    Rng.fromSeed(8).fillNormal(x);
    // Centre x so that rounding is relative to the disagreement itself, not to a large mean.
    const mean = x.reduce((a, b) => a + b) / graph.n;
    x = x.map((v) => v - mean);
    let next = new Float64Array(graph.n);
    let ratio = 0;
    for (let t = 0; t < 400; t++) {
      const before = consensusError(x);
      if (before < 1e-20) break; // below this, rounding in the mean dominates
      applyCsr(csr, x, next);
      [x, next] = [next, x];
      ratio = consensusError(x) / before;
      expect(ratio).toBeLessThanOrEqual(lambda2 ** 2 * (1 + 1e-9));
    }
    // The slowest mode dominates eventually: the observed ratio reaches λ₂² (not λ₂).
    expect(ratio).toBeCloseTo(lambda2 ** 2, 4);
  });
});
