import { Rng } from '@starling/core';
import { describe, expect, it } from 'vitest';
import { isConnected } from './graph.js';
import { graphKinds, makeGraph } from './registry.js';

describe('makeGraph', () => {
  it('builds every family by name', () => {
    const rng = Rng.fromSeed(4);
    const specs = [
      { kind: 'ring', nodes: 8 },
      { kind: 'torus', nodes: 16 },
      { kind: 'grid', rows: 2, cols: 5 },
      { kind: 'star', nodes: 5 },
      { kind: 'complete', nodes: 5 },
      { kind: 'hypercube', nodes: 8 },
      { kind: 'exponential', nodes: 12 },
      { kind: 'random_regular', nodes: 20, degree: 3 },
      { kind: 'erdos_renyi', nodes: 20, p: 0.3 },
      { kind: 'watts_strogatz', nodes: 20, k: 4, beta: 0.1 },
      { kind: 'edge_list', text: '0 1\n1 2\n' },
    ] as const;
    expect(specs.map((s) => s.kind)).toEqual(graphKinds());
    for (const spec of specs) expect(isConnected(makeGraph(spec, rng))).toBe(true);
  });

  it('draws random graphs from the seed alone, not from what the caller drew before', () => {
    const a = Rng.fromSeed(9);
    const first = makeGraph({ kind: 'erdos_renyi', nodes: 30, p: 0.2 }, a);
    for (let i = 0; i < 10; i++) a.uniform();
    const again = makeGraph({ kind: 'erdos_renyi', nodes: 30, p: 0.2 }, a);
    expect(again.neighbors.map((x) => Array.from(x))).toEqual(first.neighbors.map((x) => Array.from(x)));
    const other = makeGraph({ kind: 'erdos_renyi', nodes: 30, p: 0.2 }, Rng.fromSeed(10));
    expect(other.neighbors.map((x) => Array.from(x))).not.toEqual(first.neighbors.map((x) => Array.from(x)));
  });

  it('names the option path in every validation error', () => {
    expect(() => makeGraph({ kind: 'erdos_renyi', nodes: 20, p: 0 }, Rng.fromSeed(1))).toThrow(
      'topology.p must be > 0, got 0',
    );
    expect(() =>
      makeGraph({ kind: 'random_regular', nodes: 9, degree: 3 }, Rng.fromSeed(1), 'algorithm.topology'),
    ).toThrow('algorithm.topology.degree must be even when multiplied by nodes = 9, got 3');
    expect(() => makeGraph({ kind: 'hexagon', nodes: 6 })).toThrow(
      /^topology\.kind must be one of ring, torus, grid, .*, got "hexagon"$/,
    );
    expect(() => makeGraph({ kind: 'ring', nodes: 8, p: 0.3 })).toThrow('topology has unknown key "p"');
    expect(() => makeGraph({ kind: 'erdos_renyi', nodes: 20, p: 0.3 })).toThrow(/topology\.seed must be set/);
  });
});
