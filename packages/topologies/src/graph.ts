import { errors } from '@starling/core';

/**
 * An undirected simple graph on nodes `0..n−1` as adjacency lists.
 *
 * Invariants: `neighbors.length === n`; `neighbors[i]` is sorted ascending, has no duplicates and never
 * contains `i` (no self-loops); `j ∈ neighbors[i]` iff `i ∈ neighbors[j]` (every edge is stored twice).
 */
export interface Graph {
  /** Number of nodes. */
  readonly n: number;
  /** `neighbors[i]`: the sorted ids of the nodes adjacent to node `i`. */
  readonly neighbors: readonly Int32Array[];
}

/** Minimum, maximum and mean node degree of a graph. */
export interface DegreeStats {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
}

/**
 * Builds a graph from a list of undirected edges `[i0, j0, i1, j1, ...]` (a flat pair list).
 * Duplicate edges (in either orientation) are merged; self-loops are rejected.
 */
export function graphFromEdges(n: number, pairs: ArrayLike<number>): Graph {
  if (!Number.isInteger(n) || n < 1) throw errors.option('graph.n', 'a positive integer', n);
  if (pairs.length % 2 !== 0) throw errors.shape('graph edge list length', 'an even number', pairs.length);
  const count = new Int32Array(n);
  for (let e = 0; e < pairs.length; e += 2) {
    const i = pairs[e];
    const j = pairs[e + 1];
    if (!Number.isInteger(i) || !Number.isInteger(j) || i < 0 || j < 0 || i >= n || j >= n) {
      throw errors.option('graph.edge', `a pair of node ids in [0, ${n})`, [i, j]);
    }
    if (i === j) throw errors.option('graph.edge', 'two distinct nodes (no self-loops)', [i, j]);
    count[i]++;
    count[j]++;
  }
  const raw = Array.from({ length: n }, (_, i) => new Int32Array(count[i]));
  const fill = new Int32Array(n);
  for (let e = 0; e < pairs.length; e += 2) {
    const i = pairs[e];
    const j = pairs[e + 1];
    raw[i][fill[i]++] = j;
    raw[j][fill[j]++] = i;
  }
  return { n, neighbors: raw.map(sortedUnique) };
}

function sortedUnique(list: Int32Array): Int32Array {
  list.sort();
  let k = 0;
  for (let a = 0; a < list.length; a++) if (a === 0 || list[a] !== list[a - 1]) list[k++] = list[a];
  return k === list.length ? list : list.slice(0, k);
}

/** The number of undirected edges (each stored pair counted once). */
export function edgeCount(graph: Graph): number {
  let twice = 0;
  for (const nb of graph.neighbors) twice += nb.length;
  return twice / 2;
}

/** Degree statistics; the mean is `2|E| / n`. */
export function degreeStats(graph: Graph): DegreeStats {
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let sum = 0;
  for (const nb of graph.neighbors) {
    min = Math.min(min, nb.length);
    max = Math.max(max, nb.length);
    sum += nb.length;
  }
  return { min, max, mean: sum / graph.n };
}

/** Whether `j` is adjacent to `i` (binary search in the sorted list). */
export function hasEdge(graph: Graph, i: number, j: number): boolean {
  const nb = graph.neighbors[i];
  let lo = 0;
  let hi = nb.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (nb[mid] === j) return true;
    if (nb[mid] < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

/** The number of connected components (breadth-first search, O(n + |E|)). */
export function componentCount(graph: Graph): number {
  const seen = new Uint8Array(graph.n);
  const queue = new Int32Array(graph.n);
  let components = 0;
  for (let start = 0; start < graph.n; start++) {
    if (seen[start]) continue;
    components++;
    let head = 0;
    let tail = 0;
    queue[tail++] = start;
    seen[start] = 1;
    while (head < tail) {
      for (const j of graph.neighbors[queue[head++]]) {
        if (!seen[j]) {
          seen[j] = 1;
          queue[tail++] = j;
        }
      }
    }
  }
  return components;
}

/** Whether every node can reach every other node. */
export function isConnected(graph: Graph): boolean {
  return componentCount(graph) === 1;
}

/** The edges as a flat pair list `[i0, j0, ...]` with `i < j`, in order of `i` then `j`. */
export function edgePairs(graph: Graph): Int32Array {
  const out = new Int32Array(2 * edgeCount(graph));
  let k = 0;
  for (let i = 0; i < graph.n; i++) {
    for (const j of graph.neighbors[i]) {
      if (j > i) {
        out[k++] = i;
        out[k++] = j;
      }
    }
  }
  return out;
}
