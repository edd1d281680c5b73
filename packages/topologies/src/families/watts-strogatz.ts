import { errors, type Rng } from '@starling/core';
import { type Graph, graphFromEdges, isConnected } from '../graph.js';
import { checkEdgeBudget, intOption, rangeOption } from '../options.js';

/** Options of {@link wattsStrogatzGraph}. */
export interface WattsStrogatzOptions {
  readonly nodes: number;
  /** Lattice degree: each node starts linked to k/2 neighbours on each side; even, 2 ≤ k < n. */
  readonly k: number;
  /** Probability of rewiring each lattice edge, in [0, 1]. */
  readonly beta: number;
  /** Draws before giving up on a connected graph (default 100). */
  readonly maxTries?: number;
}

/**
 * A Watts–Strogatz small-world graph (Watts & Strogatz 1998, "Collective dynamics of 'small-world'
 * networks"), resampled until connected: start from a ring lattice where i is linked to i ± 1..k/2, then
 * for each hop j = 1..k/2 and node i, with probability beta move the far end of edge (i, i + j) to a
 * uniformly random node that is neither i nor already linked to i. The edge count stays n·k/2.
 */
export function wattsStrogatzGraph(options: WattsStrogatzOptions, rng: Rng): Graph {
  const n = intOption('topology.nodes', options.nodes, 3);
  const k = intOption('topology.k', options.k, 2, n - 1);
  if (k % 2 !== 0) throw errors.option('topology.k', 'even (k/2 neighbours on each side)', k);
  const beta = rangeOption('topology.beta', options.beta, 0, 1, '[0, 1]');
  const maxTries = intOption('topology.maxTries', options.maxTries ?? 100, 1);
  checkEdgeBudget('topology.k', k, (n * k) / 2, `a Watts–Strogatz graph on ${n} nodes`);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const graph = graphFromEdges(n, drawWattsStrogatz(n, k, beta, rng));
    if (isConnected(graph)) return graph;
  }
  throw errors.option(
    'topology.beta',
    `small enough for a connected graph (${maxTries} draws with k = ${k} on ${n} nodes were all disconnected)`,
    beta,
  );
}

function drawWattsStrogatz(n: number, k: number, beta: number, rng: Rng): number[] {
  const key = (u: number, v: number) => (u < v ? u * n + v : v * n + u);
  const edges = new Set<number>();
  const degree = new Int32Array(n);
  const link = (u: number, v: number) => {
    edges.add(key(u, v));
    degree[u]++;
    degree[v]++;
  };
  for (let i = 0; i < n; i++)
    for (let j = 1; j <= k / 2; j++) if (!edges.has(key(i, (i + j) % n))) link(i, (i + j) % n);
  for (let j = 1; j <= k / 2; j++) {
    for (let i = 0; i < n; i++) {
      const far = (i + j) % n;
      if (!edges.has(key(i, far)) || rng.uniform() >= beta || degree[i] >= n - 1) continue;
      let w = rng.int(n);
      while (w === i || edges.has(key(i, w))) w = rng.int(n);
      edges.delete(key(i, far));
      degree[i]--;
      degree[far]--;
      link(i, w);
    }
  }
  const pairs: number[] = [];
  for (const e of edges) pairs.push(Math.floor(e / n), e % n);
  return pairs;
}
