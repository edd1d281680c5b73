import { parseSpec } from '@starling/core';
import { buildTopology, graphKinds, reportTopology, topologySectionSchema } from '@starling/topologies';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import './circulant-family.js';

describe('a graph family added from one file', () => {
  it('is listed with the built-in families', () => {
    expect(graphKinds().at(-1)).toBe('circulant');
  });

  it('builds, weights and analyses like a built-in kind', () => {
    const n = 10;
    const topology = buildTopology({ kind: 'circulant', nodes: n, offsets: [1, 3] });
    expect(topology.graph.neighbors.every((nb) => nb.length === 4)).toBe(true);
    // Metropolis on a 4-regular graph: every weight 1/5, so W is circulant with eigenvalues
    // (1 + 2cos(2πk/n) + 2cos(6πk/n))/5; |λ2| is the largest modulus over k ≠ 0.
    let closed = 0;
    for (let k = 1; k < n; k++) {
      const theta = (2 * Math.PI * k) / n;
      closed = Math.max(closed, Math.abs((1 + 2 * Math.cos(theta) + 2 * Math.cos(3 * theta)) / 5));
    }
    const report = reportTopology(topology, 'exact');
    expect(report.valid).toBe(true);
    expect(report.lambda2).toBeCloseTo(closed, 10);
  });

  it('is validated as a config section with full option paths', () => {
    const config = z.strictObject({ algorithm: z.strictObject({ topology: topologySectionSchema }) });
    const ok = parseSpec(config, { algorithm: { topology: { kind: 'circulant', offsets: [1] } } }, '');
    expect(ok.algorithm.topology).toEqual({ kind: 'circulant', offsets: [1], lazy: false, weights: 'metropolis' });
    expect(() => parseSpec(config, { algorithm: { topology: { kind: 'circulant', offsets: [0] } } }, '')).toThrow(
      'algorithm.topology.offsets[0] must be > 0, got 0',
    );
    expect(() => buildTopology({ kind: 'circulant', nodes: 6, offsets: [4] }, 'algorithm.topology')).toThrow(
      'algorithm.topology.offsets[0] must be at most nodes / 2 = 3, got 4',
    );
  });
});
