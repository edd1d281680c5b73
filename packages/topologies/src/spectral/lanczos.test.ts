import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { hypercubeGraph, ringGraph, torusGraph } from '../families/deterministic.js';
import { erdosRenyiGraph } from '../families/erdos-renyi.js';
import { randomRegularGraph } from '../families/random-regular.js';
import { wattsStrogatzGraph } from '../families/watts-strogatz.js';
import { lazyMixing, maxDegreeWeights, metropolisWeights } from '../mixing/weights.js';
import { mixingLambda2 } from './lambda2.js';

describe('iterative |lambda_2| (Lanczos on the sparse rows)', () => {
  const cases = [
    ['Erdős–Rényi G(200, 0.05)', metropolisWeights(erdosRenyiGraph({ nodes: 200, p: 0.05 }, Rng.fromSeed(1)))],
    ['random 4-regular, n = 300', metropolisWeights(randomRegularGraph({ nodes: 300, degree: 4 }, Rng.fromSeed(2)))],
    ['Watts–Strogatz n = 256', maxDegreeWeights(wattsStrogatzGraph({ nodes: 256, k: 4, beta: 0.2 }, Rng.fromSeed(3)))],
    [
      'lazy Erdős–Rényi G(150, 0.1)',
      lazyMixing(metropolisWeights(erdosRenyiGraph({ nodes: 150, p: 0.1 }, Rng.fromSeed(4)))),
    ],
  ] as const;
  it.each(cases)('agrees with the exact solver on %s', (_, w) => {
    const exact = mixingLambda2(w, { method: 'exact' });
    const iterative = mixingLambda2(w, { method: 'iterative' });
    expect(iterative.method).toBe('iterative');
    expect(iterative.converged).toBe(true);
    expect(Math.abs(iterative.lambda2 - exact.lambda2)).toBeLessThan(1e-9);
  });

  it('matches closed forms above the dense limit (hypercube 2^12, torus 40 × 40)', () => {
    const cube = mixingLambda2(metropolisWeights(hypercubeGraph(4096)));
    expect(cube.method).toBe('iterative');
    expect(Math.abs(cube.lambda2 - 11 / 13)).toBeLessThan(1e-10);
    const torus = mixingLambda2(metropolisWeights(torusGraph({ rows: 40, cols: 40 })));
    expect(torus.converged).toBe(true);
    expect(Math.abs(torus.lambda2 - (3 + 2 * Math.cos((2 * Math.PI) / 40)) / 5)).toBeLessThan(1e-9);
  });

  it('reports non-convergence on a long ring and stays below the true |lambda_2|', () => {
    const n = 5000;
    const r = mixingLambda2(metropolisWeights(ringGraph(n)), { maxIter: 200 });
    expect(r.converged).toBe(false);
    expect(r.iterations).toBe(200);
    expect(r.lambda2).toBeLessThanOrEqual((1 + 2 * Math.cos((2 * Math.PI) / n)) / 3 + 1e-12);
    expect(r.lambda2).toBeGreaterThan(0.99);
  });
});
