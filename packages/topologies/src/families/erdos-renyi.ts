import { errors, type Rng } from '@starling/core';
import { type Graph, graphFromEdges, isConnected } from '../graph.js';
import { checkEdgeBudget, intOption, rangeOption } from '../options.js';

/** Options of {@link erdosRenyiGraph}. */
export interface ErdosRenyiOptions {
  readonly nodes: number;
  /** The probability of each of the n(n−1)/2 edges, in (0, 1]. */
  readonly p: number;
  /** Draws before giving up on a connected graph (default 100). */
  readonly maxTries?: number;
}

/**
 * An Erdős–Rényi G(n, p) graph (Gilbert's model: each pair linked independently with probability p),
 * resampled until connected. Draws in O(n + |E|) by skipping geometric gaps between present edges
 * (Batagelj & Brandes 2005, "Efficient generation of large random networks"). Connectivity needs p above
 * the threshold ln(n)/n; below it the draws fail and the error says so.
 */
export function erdosRenyiGraph(options: ErdosRenyiOptions, rng: Rng): Graph {
  const n = intOption('topology.nodes', options.nodes, 2);
  const p = rangeOption('topology.p', options.p, 0, 1, '(0, 1]');
  const maxTries = intOption('topology.maxTries', options.maxTries ?? 100, 1);
  checkEdgeBudget('topology.p', p, Math.ceil((p * n * (n - 1)) / 2), `G(${n}, ${p})`);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const graph = graphFromEdges(n, drawGnp(n, p, rng));
    if (isConnected(graph)) return graph;
  }
  const threshold = (Math.log(n) / n).toPrecision(3);
  throw errors.option(
    'topology.p',
    `large enough for a connected graph (${maxTries} draws of G(${n}, p) were all disconnected; connectivity needs p above about ln(n)/n = ${threshold})`,
    p,
  );
}

/** All pairs (v, w), w < v, visited in order; the gap to the next present pair is geometric. */
function drawGnp(n: number, p: number, rng: Rng): number[] {
  const pairs: number[] = [];
  const logQ = Math.log1p(-p); // −∞ when p = 1: every gap is 0
  let v = 1;
  let w = -1;
  while (v < n) {
    const gap = p === 1 ? 0 : Math.floor(Math.log1p(-rng.uniform()) / logQ);
    w += 1 + gap;
    while (w >= v && v < n) {
      w -= v;
      v++;
    }
    if (v < n) pairs.push(v, w);
  }
  return pairs;
}
