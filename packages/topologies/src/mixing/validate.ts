import { errors } from '@starling/core';
import { type Graph, hasEdge } from '../graph.js';
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

/** W_ij from row i (binary search: neighbours are sorted). */
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

/** Counts offenders of one property and remembers the first. */
class Tally<T> {
  first: T | undefined = undefined;
  count = 0;
  add(found: T): void {
    if (this.count++ === 0) this.first = found;
  }
  report(problems: string[], text: (found: T) => string, count = this.count): void {
    if (this.first !== undefined) problems.push(text(this.first) + (count > 1 ? ` (and ${count - 1} more)` : ''));
  }
}

/** Connected components of the undirected support of W (union–find with path halving, O(nnz)). */
function supportComponents(w: MixingMatrix): number {
  const parent = Int32Array.from({ length: w.n }, (_, i) => i);
  const find = (x: number) => {
    while (parent[x] !== x) x = parent[x] = parent[parent[x]];
    return x;
  };
  let components = w.n;
  w.rows.forEach((row, i) => {
    for (const e of row.neighbors) {
      if (e.weight === 0) continue;
      const a = find(i);
      const b = find(e.node);
      if (a !== b) {
        parent[a] = b;
        components--;
      }
    }
  });
  return components;
}

/** The first (i, j) with |W_ij − W_ji| > tol, or undefined when W is symmetric. */
export function firstAsymmetry(w: MixingMatrix, tolerance = 1e-9): [number, number] | undefined {
  for (let i = 0; i < w.n; i++) {
    for (const { node: j, weight } of w.rows[i].neighbors) {
      if (Math.abs(weight - weightOf(w.rows[j], j, i)) > tolerance) return [i, j];
    }
  }
  return undefined;
}

/** The sentence describing an asymmetric pair, with a hint when both rows follow the uniform rule. */
export function describeAsymmetry(w: MixingMatrix, [i, j]: [number, number]): string {
  const hint =
    looksUniform(w.rows[i]) && looksUniform(w.rows[j])
      ? '; uniform-over-neighbours weights are symmetric only on regular graphs, use metropolis or maxdegree'
      : '';
  const wij = fmt(weightOf(w.rows[i], i, j));
  return `W[${i}][${j}] = ${wij} but W[${j}][${i}] = ${fmt(weightOf(w.rows[j], j, i))}: not symmetric${hint}`;
}

function checkStructure(w: MixingMatrix): void {
  if (w.rows.length !== w.n) throw errors.shape('mixing matrix rows', w.n, w.rows.length);
  w.rows.forEach((row, i) => {
    row.neighbors.forEach(({ node: j }, k) => {
      if (!Number.isInteger(j) || j < 0 || j >= w.n || j === i || (k > 0 && j <= row.neighbors[k - 1].node)) {
        throw errors.shape(`mixing row ${i} neighbour ${k}`, `a node id in [0, ${w.n}) other than ${i}, ascending`, j);
      }
    });
  });
}

/**
 * Checks that W is a valid gossip matrix: nonnegative, rows and columns summing to 1 (doubly
 * stochastic), symmetric, and connected (the graph of nonzero weights has one component; for a doubly
 * stochastic W that also makes it strongly connected). Never throws on bad values (only on malformed
 * rows); reports every failed property with its first offending entry. O(nnz log deg).
 */
export function checkMixing(w: MixingMatrix, options: MixingCheckOptions = {}): MixingCheck {
  const tol = options.tolerance ?? 1e-9;
  checkStructure(w);
  const negative = new Tally<[number, number, number]>();
  const badRow = new Tally<[number, number]>();
  const badCol = new Tally<[number, number]>();
  const asym = new Tally<[number, number]>();
  const offGraph = new Tally<[number, number]>();
  const colSum = new Float64Array(w.n);
  w.rows.forEach((row, i) => {
    let sum = row.self;
    colSum[i] += row.self;
    if (!(row.self >= -tol)) negative.add([i, i, row.self]);
    for (const { node: j, weight } of row.neighbors) {
      sum += weight;
      colSum[j] += weight;
      if (!(weight >= -tol)) negative.add([i, j, weight]);
      if (weight !== 0 && options.graph && !hasEdge(options.graph, i, j)) offGraph.add([i, j]);
      if (Math.abs(weight - weightOf(w.rows[j], j, i)) > tol) asym.add([i, j]);
    }
    if (!(Math.abs(sum - 1) <= tol)) badRow.add([i, sum]);
  });
  colSum.forEach((sum, j) => {
    if (!(Math.abs(sum - 1) <= tol)) badCol.add([j, sum]);
  });
  const problems: string[] = [];
  negative.report(problems, ([i, j, x]) => `W[${i}][${j}] = ${fmt(x)} is negative or not a number`);
  badRow.report(problems, ([i, s]) => `row ${i} sums to ${fmt(s)}, not 1 (node ${i}'s receive weights must sum to 1)`);
  badCol.report(problems, ([j, s]) => `column ${j} sums to ${fmt(s)}, not 1 (needed for the mean to be preserved)`);
  // A pair is usually seen from both rows; count pairs.
  if (options.symmetric ?? true) asym.report(problems, (pair) => describeAsymmetry(w, pair), Math.ceil(asym.count / 2));
  offGraph.report(problems, ([i, j]) => `W[${i}][${j}] is nonzero but nodes ${i} and ${j} are not linked in the graph`);
  const components = supportComponents(w);
  if (components > 1) {
    problems.push(`the nonzero weights split the ${w.n} nodes into ${components} disconnected groups (no consensus)`);
  }
  return {
    nonnegative: negative.count === 0,
    rowStochastic: badRow.count === 0,
    columnStochastic: badCol.count === 0,
    symmetric: asym.count === 0,
    connected: components <= 1,
    onGraph: offGraph.count === 0,
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
