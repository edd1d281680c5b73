import { errors, type Rng } from '@starling/core';
import { type Graph, graphFromEdges, isConnected } from '../graph.js';
import { checkEdgeBudget, intOption } from '../options.js';

/** Options of {@link randomRegularGraph}. */
export interface RandomRegularOptions {
  readonly nodes: number;
  /** Every node's degree d; 1 ≤ d < n and n·d even. */
  readonly degree: number;
  /** Draws before giving up when pairings dead-end or the graph is disconnected (default 100). */
  readonly maxTries?: number;
}

/**
 * A random d-regular simple graph, resampled until connected.
 *
 * Pairing (configuration) model with the incremental rejection of Steger & Wormald 1999 ("Generation of
 * random regular graphs quickly"): each node owns d points; two random unmatched points are paired when
 * they belong to different nodes that are not yet linked, otherwise two others are drawn. A pairing that
 * dead-ends (no legal pair left) is restarted. The result is asymptotically uniform for d ≪ n^(1/3).
 */
export function randomRegularGraph(options: RandomRegularOptions, rng: Rng): Graph {
  const n = intOption('topology.nodes', options.nodes, 2);
  const d = intOption('topology.degree', options.degree, 1, n - 1);
  const maxTries = intOption('topology.maxTries', options.maxTries ?? 100, 1);
  if ((n * d) % 2 !== 0) throw errors.option('topology.degree', `even when multiplied by nodes = ${n}`, d);
  if (d === 1 && n > 2)
    throw errors.option('topology.degree', 'at least 2 for a connected graph on more than 2 nodes', d);
  checkEdgeBudget('topology.degree', d, (n * d) / 2, `a ${d}-regular graph on ${n} nodes`);
  for (let attempt = 0; attempt < maxTries; attempt++) {
    const pairs = tryPairing(n, d, rng);
    if (pairs === null) continue;
    const graph = graphFromEdges(n, pairs);
    if (isConnected(graph)) return graph;
  }
  throw errors.option(
    'topology.degree',
    `large enough for a connected random regular graph (${maxTries} draws of a ${d}-regular graph on ${n} nodes failed or were disconnected; degree ≥ 3 is connected almost surely)`,
    d,
  );
}

/** One Steger–Wormald pairing; null when it dead-ends. */
function tryPairing(n: number, d: number, rng: Rng): Int32Array | null {
  const points = new Int32Array(n * d);
  for (let p = 0; p < points.length; p++) points[p] = Math.floor(p / d);
  const edges = new Set<number>();
  const pairs = new Int32Array(n * d);
  let open = points.length;
  let made = 0;
  let misses = 0;
  const legal = (u: number, v: number) => u !== v && !edges.has(u < v ? u * n + v : v * n + u);
  while (open > 0) {
    const a = rng.int(open);
    const b = rng.int(open);
    const u = points[a];
    const v = points[b];
    if (a === b || !legal(u, v)) {
      // After many misses in a row, check whether any legal pair is left at all.
      if (++misses > 64 && !anyLegalPair(points, open, legal)) return null;
      if (misses > 64) misses = 0;
      continue;
    }
    misses = 0;
    edges.add(u < v ? u * n + v : v * n + u);
    pairs[made++] = u;
    pairs[made++] = v;
    // Remove points a and b by moving the last open points into their slots (larger index first).
    const [hi, lo] = a > b ? [a, b] : [b, a];
    points[hi] = points[--open];
    points[lo] = points[--open];
  }
  return pairs;
}

function anyLegalPair(points: Int32Array, open: number, legal: (u: number, v: number) => boolean): boolean {
  for (let a = 0; a < open; a++) for (let b = a + 1; b < open; b++) if (legal(points[a], points[b])) return true;
  return false;
}
