import { describe, expect, it } from 'vitest';
import { degreeStats, edgeCount, hasEdge, isConnected } from '../graph.js';
import {
  completeGraph,
  exponentialGraph,
  gridGraph,
  hypercubeGraph,
  latticeShape,
  ringGraph,
  starGraph,
  torusGraph,
} from './deterministic.js';

describe('deterministic graph families', () => {
  it('builds a ring with n edges and degree 2', () => {
    const g = ringGraph(8);
    expect(edgeCount(g)).toBe(8);
    expect(degreeStats(g)).toEqual({ min: 2, max: 2, mean: 2 });
    expect(Array.from(g.neighbors[0])).toEqual([1, 7]);
    expect(isConnected(g)).toBe(true);
  });

  it('builds a 4-regular torus with wrap-around links', () => {
    const g = torusGraph({ nodes: 16 });
    expect(edgeCount(g)).toBe(32);
    expect(degreeStats(g)).toEqual({ min: 4, max: 4, mean: 4 });
    expect(Array.from(g.neighbors[0])).toEqual([1, 3, 4, 12]);
  });

  it('picks the most square factorisation of nodes and accepts explicit rows and cols', () => {
    expect(latticeShape({ nodes: 12 }, 3, 'torus')).toEqual({ rows: 3, cols: 4 });
    expect(latticeShape({ nodes: 7 }, 1, 'grid')).toEqual({ rows: 1, cols: 7 });
    expect(edgeCount(torusGraph({ rows: 3, cols: 5 }))).toBe(30);
    expect(() => torusGraph({ nodes: 14 })).toThrow(/topology\.nodes must be a product rows × cols with both ≥ 3/);
    expect(() => torusGraph({ rows: 4, cols: 4, nodes: 15 })).toThrow(
      'topology.nodes must be rows × cols = 16, got 15',
    );
  });

  it('builds a grid whose corners have degree 2 and edges (r−1)c + r(c−1)', () => {
    const g = gridGraph({ rows: 3, cols: 4 });
    expect(edgeCount(g)).toBe(2 * 4 + 3 * 3);
    expect(g.neighbors[0].length).toBe(2);
    expect(g.neighbors[5].length).toBe(4);
    expect(degreeStats(gridGraph({ nodes: 5 }))).toMatchObject({ min: 1, max: 2 });
  });

  it('builds a star around hub 0 and the complete graph', () => {
    const s = starGraph(6);
    expect(degreeStats(s)).toMatchObject({ min: 1, max: 5 });
    expect(edgeCount(completeGraph(7))).toBe(21);
    expect(() => completeGraph(100_000)).toThrow(/at most 20000000 edges/);
  });

  it('builds the hypercube (bit-flip neighbours) and refuses non powers of two', () => {
    const g = hypercubeGraph(16);
    expect(degreeStats(g)).toEqual({ min: 4, max: 4, mean: 4 });
    expect(Array.from(g.neighbors[5])).toEqual([1, 4, 7, 13]);
    expect(() => hypercubeGraph(12)).toThrow('topology.nodes must be a power of two for a hypercube, got 12');
  });

  it('links i to i ± 2^k in the static exponential graph', () => {
    expect(Array.from(exponentialGraph(16).neighbors[0])).toEqual([1, 2, 4, 8, 12, 14, 15]);
    const g = exponentialGraph(10);
    expect(Array.from(g.neighbors[0])).toEqual([1, 2, 4, 6, 8, 9]);
    expect(hasEdge(g, 3, 7)).toBe(true);
    expect(hasEdge(g, 3, 6)).toBe(false);
  });

  it('names the option in size errors', () => {
    expect(() => ringGraph(2)).toThrow('topology.nodes must be an integer ≥ 3, got 2');
    expect(() => starGraph(2.5)).toThrow('topology.nodes must be an integer ≥ 2, got 2.5');
  });
});
