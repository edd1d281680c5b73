import { errors } from '@starling/core';
import type { Graph } from '../graph.js';
import type { MixingEntry, MixingMatrix, MixingRow } from './mixing-matrix.js';

/** The names of the weight rules {@link mixingWeights} knows. */
export type WeightKind = 'metropolis' | 'maxdegree' | 'uniform';

/** Every weight rule, in documentation order. */
export const WEIGHT_KINDS: readonly WeightKind[] = ['metropolis', 'maxdegree', 'uniform'];

function fromNeighborWeights(graph: Graph, weight: (i: number, j: number) => number): MixingMatrix {
  const rows: MixingRow[] = graph.neighbors.map((nb, i) => {
    const neighbors: MixingEntry[] = Array.from(nb, (j) => ({ node: j, weight: weight(i, j) }));
    let offSum = 0;
    for (const e of neighbors) offSum += e.weight;
    return { self: 1 - offSum, neighbors };
  });
  return { n: graph.n, rows };
}

/**
 * Metropolis–Hastings weights: W_ij = 1 / (1 + max(deg_i, deg_j)) on each edge, W_ii = 1 − Σ_j W_ij
 * (Xiao, Boyd & Lall 2005, "A scheme for robust distributed sensor fusion based on average consensus").
 * Symmetric and doubly stochastic on every graph, and W_ii > 0, so it converges on any connected graph,
 * bipartite ones included. Each node needs only its neighbours' degrees.
 */
export function metropolisWeights(graph: Graph): MixingMatrix {
  const deg = graph.neighbors.map((nb) => nb.length);
  return fromNeighborWeights(graph, (i, j) => 1 / (1 + Math.max(deg[i], deg[j])));
}

/**
 * Max-degree weights: W_ij = 1 / (1 + d_max) on each edge, W_ii = 1 − deg_i / (1 + d_max), with d_max
 * the largest degree. Symmetric and doubly stochastic. Xiao & Boyd 2004 ("Fast linear iterations for
 * distributed averaging") use 1/d_max; the +1 here keeps W_ii > 0 so that regular bipartite graphs (even
 * rings, hypercubes) still converge, and makes the rule equal Metropolis on regular graphs.
 */
export function maxDegreeWeights(graph: Graph): MixingMatrix {
  let dMax = 0;
  for (const nb of graph.neighbors) dMax = Math.max(dMax, nb.length);
  const w = 1 / (1 + dMax);
  return fromNeighborWeights(graph, () => w);
}

/**
 * Uniform weights over the closed neighbourhood: W_ij = W_ii = 1 / (1 + deg_i) for j adjacent to i.
 * Rows sum to 1 but columns do not unless the graph is regular: on an irregular graph W is NOT symmetric
 * nor doubly stochastic, and gossip converges to a degree-weighted average (weights ∝ 1 + deg_i), not the
 * mean. `validateMixing` rejects it there; on regular graphs it equals Metropolis.
 */
export function uniformWeights(graph: Graph): MixingMatrix {
  return fromNeighborWeights(graph, (i) => 1 / (1 + graph.neighbors[i].length));
}

/**
 * The lazy version (I + W) / 2: same stationary average, eigenvalues (1 + λ)/2 ≥ 0, so no oscillation
 * from eigenvalues near −1, at the price of mixing about half as fast.
 */
export function lazyMixing(w: MixingMatrix): MixingMatrix {
  return {
    n: w.n,
    rows: w.rows.map((row) => ({
      self: (1 + row.self) / 2,
      neighbors: row.neighbors.map((e) => ({ node: e.node, weight: e.weight / 2 })),
    })),
  };
}

/**
 * The mixing matrix of `graph` under the named weight rule, optionally made lazy.
 * @throws a config error naming `topology.weights` for an unknown rule
 */
export function mixingWeights(
  graph: Graph,
  kind: WeightKind = 'metropolis',
  options: { lazy?: boolean } = {},
): MixingMatrix {
  let w: MixingMatrix;
  if (kind === 'metropolis') w = metropolisWeights(graph);
  else if (kind === 'maxdegree') w = maxDegreeWeights(graph);
  else if (kind === 'uniform') w = uniformWeights(graph);
  else throw errors.unknownKind('topology.weights', String(kind), WEIGHT_KINDS);
  return options.lazy === true ? lazyMixing(w) : w;
}
