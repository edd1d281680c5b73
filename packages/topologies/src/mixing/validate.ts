import { errors } from '@starling/core';
import { componentCount, type Graph, graphFromEdges, hasEdge } from '../graph.js';
import type { MixingMatrix, MixingRow } from './mixing-matrix.js';

/** What {@link checkMixing} found; `problems` holds one readable sentence per failed property. */
export interface MixingCheck {
  readonly nonnegative: boolean;
  readonly rowStochastic: boolean;
  readonly columnStochastic: boolean;
  readonly symmetric: boolean;
  readonly connected: boolean;
  /** False when a weight sits on a pair the given graph does not link (true without a graph). */
  readonly onGraph: boolean;
  readonly problems: readonly string[];
}

/** Options of {@link checkMixing} and {@link validateMixing}. */
export interface MixingCheckOptions {
  /** Absolute tolerance on sums and on |W_ij − W_ji| (default 1e-9). */
  readonly tolerance?: number;
  /** When given, every nonzero off-diagonal weight must be on an edge of this graph. */
  readonly graph?: Graph;
  /** Whether symmetry is required (default true; false for one step of a directed schedule). */
  readonly symmetric?: boolean;
  /** The option path in error messages (default `topology.weights`). */
  readonly path?: string;
}

const fmt = (x: number) => Number(x.toPrecision(12)).toString();

function weightOf(row: MixingRow, i: number, j: number): number {
  if (i === j) return row.self;
  let lo = 0;
  let hi = row.neighbors.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const node = row.neighbors[mid].node;
    if (node === j) return row.neighbors[mid].weight;
    if (node < j) lo = mid + 1;
    else hi = mid - 1;
  }
  return 0;
}

/** A row that gives every member of its closed neighbourhood the same weight (the `uniform` rule). */
function looksUniform(row: MixingRow): boolean {
  return row.neighbors.every((e) => Math.abs(e.weight - row.self) < 1e-15);
}

/**
 * Checks that W is a valid gossip matrix: nonnegative, rows and columns summing to 1 (doubly
 * stochastic), symmetric, and connected (the graph of nonzero weights has one component). Never throws
 * on a bad W; reports every failed property with the first offending entry.
 */
export function checkMixing(w: MixingMatrix, options: MixingCheckOptions = {}): MixingCheck {
  const tol = options.tolerance ?? 1e-9;
  const { n, rows } = w;
  if (rows.length !== n) throw errors.shape('mixing matrix rows', n, rows.length);
  const problems: string[] = [];
  const first = <T>(found: T | undefined, more: number, text: (f: T) => string) => {
    if (found !== undefined) problems.push(text(found) + (more > 1 ? ` (and ${more - 1} more)` : ''));
  };
  for (let i = 0; i < n; i++) {
    const nb = rows[i].neighbors;
    for (let k = 0; k < nb.length; k++) {
      const j = nb[k].node;
      if (!Number.isInteger(j) || j < 0 || j >= n || j === i || (k > 0 && j <= nb[k - 1].node)) {
        throw errors.shape(`mixing row ${i} neighbour ${k}`, `a node id in [0, ${n}) other than ${i}, ascending`, j);
      }
    }
  }
  let negative: [number, number, number] | undefined;
  let negatives = 0;
  let badRow: [number, number] | undefined;
  let badRows = 0;
  let asym: [number, number] | undefined;
  let asyms = 0;
  let offGraph: [number, number] | undefined;
  let offGraphs = 0;
  const colSum = new Float64Array(n);
  const pairs: number[] = [];
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    let sum = row.self;
    colSum[i] += row.self;
    if (!(row.self >= -tol)) [negative, negatives] = [negative ?? [i, i, row.self], negatives + 1];
    for (const { node: j, weight } of row.neighbors) {
      sum += weight;
      colSum[j] += weight;
      if (!(weight >= -tol)) [negative, negatives] = [negative ?? [i, j, weight], negatives + 1];
      if (weight !== 0) pairs.push(i, j);
      if (weight !== 0 && options.graph && !hasEdge(options.graph, i, j)) {
        [offGraph, offGraphs] = [offGraph ?? [i, j], offGraphs + 1];
      }
      if (Math.abs(weight - weightOf(rows[j], j, i)) > tol) [asym, asyms] = [asym ?? [i, j], asyms + 1];
    }
    if (!(Math.abs(sum - 1) <= tol)) [badRow, badRows] = [badRow ?? [i, sum], badRows + 1];
  }
  let badCol: [number, number] | undefined;
  let badCols = 0;
  colSum.forEach((s, j) => {
    if (!(Math.abs(s - 1) <= tol)) [badCol, badCols] = [badCol ?? [j, s], badCols + 1];
  });
  first(negative, negatives, ([i, j, x]) => `W[${i}][${j}] = ${fmt(x)} is negative or not a number`);
  first(badRow, badRows, ([i, s]) => `row ${i} sums to ${fmt(s)}, not 1 (node ${i}'s receive weights must sum to 1)`);
  first(badCol, badCols, ([j, s]) => `column ${j} sums to ${fmt(s)}, not 1 (needed for the mean to be preserved)`);
  const wantSymmetric = options.symmetric ?? true;
  if (wantSymmetric) {
    first(asym, Math.ceil(asyms / 2), ([i, j]) => {
      const hint =
        looksUniform(rows[i]) && looksUniform(rows[j])
          ? '; uniform-over-neighbours weights are symmetric only on regular graphs, use metropolis or maxdegree'
          : '';
      return `W[${i}][${j}] = ${fmt(weightOf(rows[i], i, j))} but W[${j}][${i}] = ${fmt(weightOf(rows[j], j, i))}: not symmetric${hint}`;
    });
  }
  first(
    offGraph,
    offGraphs,
    ([i, j]) => `W[${i}][${j}] is nonzero but nodes ${i} and ${j} are not linked in the graph`,
  );
  const components = n > 0 ? componentCount(graphFromEdges(n, pairs)) : 0;
  if (components > 1) {
    problems.push(`the nonzero weights split the ${n} nodes into ${components} disconnected groups (no consensus)`);
  }
  return {
    nonnegative: negative === undefined,
    rowStochastic: badRow === undefined,
    columnStochastic: badCol === undefined,
    symmetric: asym === undefined,
    connected: components <= 1,
    onGraph: offGraph === undefined,
    problems,
  };
}

/**
 * Throws a config error listing every problem {@link checkMixing} finds, e.g.
 * `topology.weights must be a valid gossip matrix (…), got "row 3 sums to 1.2, not 1 …"`.
 */
export function validateMixing(w: MixingMatrix, options: MixingCheckOptions = {}): void {
  const check = checkMixing(w, options);
  if (check.problems.length === 0) return;
  const wanted = (options.symmetric ?? true) ? 'symmetric, doubly stochastic' : 'doubly stochastic';
  const tol = options.tolerance ?? 1e-9;
  throw errors.option(
    options.path ?? 'topology.weights',
    `a ${wanted}, nonnegative and connected mixing matrix (tolerance ${tol})`,
    check.problems.join('; '),
  );
}
