import { errors } from '@starling/core';
import { type Graph, graphFromEdges } from '../graph.js';
import { checkEdgeBudget, intOption } from '../options.js';

/** Rows and columns of a 2-D lattice; node `(r, c)` has id `r·cols + c`. */
export interface LatticeShape {
  readonly rows: number;
  readonly cols: number;
}

/** A cycle 0 − 1 − … − (n−1) − 0; every node has degree 2. Needs n ≥ 3. */
export function ringGraph(nodes: number): Graph {
  const n = intOption('topology.nodes', nodes, 3);
  const pairs = new Int32Array(2 * n);
  for (let i = 0; i < n; i++) {
    pairs[2 * i] = i;
    pairs[2 * i + 1] = (i + 1) % n;
  }
  return graphFromEdges(n, pairs);
}

/**
 * Resolves a lattice shape from `rows`/`cols` or from `nodes` alone (the most square factorisation,
 * rows ≤ cols). `minSide` is 3 for a torus (so that it is 4-regular) and 1 for a grid.
 */
export function latticeShape(
  options: { nodes?: number; rows?: number; cols?: number },
  minSide: number,
  kind: string,
): LatticeShape {
  const { nodes, rows, cols } = options;
  if (rows !== undefined || cols !== undefined) {
    const r = intOption('topology.rows', rows, minSide);
    const c = intOption('topology.cols', cols, minSide);
    if (nodes !== undefined && nodes !== r * c) throw errors.option('topology.nodes', `rows × cols = ${r * c}`, nodes);
    if (r * c < 2) throw errors.option('topology.rows', 'such that rows × cols ≥ 2', r);
    return { rows: r, cols: c };
  }
  const n = intOption('topology.nodes', nodes, 2);
  let r = Math.floor(Math.sqrt(n));
  while (n % r !== 0) r--;
  if (r < minSide) {
    const need = `a product rows × cols with both ≥ ${minSide} for a ${kind} (or give topology.rows and topology.cols)`;
    throw errors.option('topology.nodes', need, n);
  }
  return { rows: r, cols: n / r };
}

function lattice(shape: LatticeShape, wrap: boolean): Graph {
  const { rows, cols } = shape;
  const pairs: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const id = r * cols + c;
      if (c + 1 < cols || (wrap && cols > 1)) pairs.push(id, r * cols + ((c + 1) % cols));
      if (r + 1 < rows || (wrap && rows > 1)) pairs.push(id, ((r + 1) % rows) * cols + c);
    }
  }
  return graphFromEdges(rows * cols, pairs);
}

/** A rows × cols torus (lattice with wrap-around); every node has degree 4. Both sides ≥ 3. */
export function torusGraph(options: { nodes?: number; rows?: number; cols?: number }): Graph {
  return lattice(latticeShape(options, 3, 'torus'), true);
}

/** A rows × cols grid without wrap-around; corner nodes have degree 2 (or 1 on a 1 × n path). */
export function gridGraph(options: { nodes?: number; rows?: number; cols?: number }): Graph {
  return lattice(latticeShape(options, 1, 'grid'), false);
}

/** A star: node 0 is the hub linked to every other node; leaves have degree 1. */
export function starGraph(nodes: number): Graph {
  const n = intOption('topology.nodes', nodes, 2);
  const pairs = new Int32Array(2 * (n - 1));
  for (let i = 1; i < n; i++) {
    pairs[2 * i - 2] = 0;
    pairs[2 * i - 1] = i;
  }
  return graphFromEdges(n, pairs);
}

/** The complete graph K_n: every pair of nodes is linked; degree n − 1. */
export function completeGraph(nodes: number): Graph {
  const n = intOption('topology.nodes', nodes, 2);
  checkEdgeBudget('topology.nodes', n, (n * (n - 1)) / 2, `the complete graph on ${n} nodes`);
  const neighbors = Array.from({ length: n }, (_, i) => {
    const nb = new Int32Array(n - 1);
    for (let j = 0, k = 0; j < n; j++) if (j !== i) nb[k++] = j;
    return nb;
  });
  return { n, neighbors };
}

/** The d-dimensional hypercube on n = 2^d nodes: i and j are linked when they differ in one bit. */
export function hypercubeGraph(nodes: number): Graph {
  const n = intOption('topology.nodes', nodes, 2);
  if ((n & (n - 1)) !== 0 || n > 2 ** 30) throw errors.option('topology.nodes', 'a power of two for a hypercube', n);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) for (let bit = 1; bit < n; bit <<= 1) if ((i & bit) === 0) pairs.push(i, i | bit);
  return graphFromEdges(n, pairs);
}

/**
 * The static exponential graph: node i is linked to (i ± 2^k) mod n for every k with 2^k < n
 * (Ying et al. 2021, "Exponential Graph is Provably Efficient for Decentralized Deep Training").
 * Degree is about 2·⌈log2 n⌉ (less when i + 2^k and i − 2^k coincide, e.g. 2^k = n/2).
 */
export function exponentialGraph(nodes: number): Graph {
  const n = intOption('topology.nodes', nodes, 2);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) for (let hop = 1; hop < n; hop *= 2) pairs.push(i, (i + hop) % n);
  return graphFromEdges(n, pairs);
}
