import { errors } from '@starling/core';

/** One off-diagonal receive weight: node i takes `weight` of node `node`'s value. */
export interface MixingEntry {
  readonly node: number;
  readonly weight: number;
}

/**
 * Node i's receive weights (BlueFog style): after a gossip step x_i ← self·x_i + Σ weight·x_node.
 * `neighbors` is sorted by `node`, has no duplicates and never contains i; zero weights are left out.
 */
export interface MixingRow {
  readonly self: number;
  readonly neighbors: readonly MixingEntry[];
}

/**
 * A sparse n × n mixing matrix W stored as receive rows: row i holds W_ii (`self`) and the nonzero
 * W_ij (`neighbors`). One gossip step is x ← W x. Consensus to the average needs W doubly stochastic.
 */
export interface MixingMatrix {
  readonly n: number;
  readonly rows: readonly MixingRow[];
}

/**
 * W in compressed sparse row form including the diagonal, for fast products:
 * row i's entries are `cols[rowStart[i] .. rowStart[i+1])` with `values` alongside.
 */
export interface CsrMatrix {
  readonly n: number;
  readonly rowStart: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

/** The dense n × n matrix, row-major (`dense[i·n + j] = W_ij`), for analysis of small n. */
export function toDense(w: MixingMatrix): Float64Array {
  const { n } = w;
  const dense = new Float64Array(n * n);
  w.rows.forEach((row, i) => {
    dense[i * n + i] = row.self;
    for (const { node, weight } of row.neighbors) dense[i * n + node] = weight;
  });
  return dense;
}

/** The dense matrix as nested arrays (`rows[i][j] = W_ij`), e.g. for JSON. */
export function toDenseRows(w: MixingMatrix): number[][] {
  const dense = toDense(w);
  return Array.from({ length: w.n }, (_, i) => Array.from(dense.subarray(i * w.n, (i + 1) * w.n)));
}

/** Reads a dense matrix (row-major `Float64Array` of n², or nested rows); zero entries are dropped. */
export function fromDense(dense: Float64Array | readonly (readonly number[])[], n?: number): MixingMatrix {
  const size = n ?? (dense instanceof Float64Array ? Math.round(Math.sqrt(dense.length)) : dense.length);
  const at = (i: number, j: number) => (dense instanceof Float64Array ? dense[i * size + j] : dense[i][j]);
  if (dense instanceof Float64Array ? dense.length !== size * size : dense.some((r) => r.length !== size)) {
    throw errors.shape(
      'mixing matrix',
      `${size} × ${size}`,
      dense instanceof Float64Array ? dense.length : 'ragged rows',
    );
  }
  const rows: MixingRow[] = [];
  for (let i = 0; i < size; i++) {
    const neighbors: MixingEntry[] = [];
    for (let j = 0; j < size; j++) if (j !== i && at(i, j) !== 0) neighbors.push({ node: j, weight: at(i, j) });
    rows.push({ self: at(i, i), neighbors });
  }
  return { n: size, rows };
}

/** Compiles W to CSR (diagonal first in each row). */
export function toCsr(w: MixingMatrix): CsrMatrix {
  const rowStart = new Int32Array(w.n + 1);
  w.rows.forEach((row, i) => {
    rowStart[i + 1] = rowStart[i] + 1 + row.neighbors.length;
  });
  const cols = new Int32Array(rowStart[w.n]);
  const values = new Float64Array(rowStart[w.n]);
  w.rows.forEach((row, i) => {
    let k = rowStart[i];
    cols[k] = i;
    values[k++] = row.self;
    for (const { node, weight } of row.neighbors) {
      cols[k] = node;
      values[k++] = weight;
    }
  });
  return { n: w.n, rowStart, cols, values };
}

/** `out ← W x` (one gossip step); `out` must not alias `x`. */
export function applyCsr(w: CsrMatrix, x: Float64Array, out: Float64Array): void {
  for (let i = 0; i < w.n; i++) {
    let sum = 0;
    for (let k = w.rowStart[i]; k < w.rowStart[i + 1]; k++) sum += w.values[k] * x[w.cols[k]];
    out[i] = sum;
  }
}

/** `out ← Wᵀ x`; `out` must not alias `x`. */
export function applyCsrTransposed(w: CsrMatrix, x: Float64Array, out: Float64Array): void {
  out.fill(0);
  for (let i = 0; i < w.n; i++) {
    for (let k = w.rowStart[i]; k < w.rowStart[i + 1]; k++) out[w.cols[k]] += w.values[k] * x[i];
  }
}

/** The number of directed messages one step of W needs: node j sends to i whenever W_ij ≠ 0, i ≠ j. */
export function messageCount(w: MixingMatrix): number {
  let count = 0;
  for (const row of w.rows) for (const e of row.neighbors) if (e.weight !== 0) count++;
  return count;
}

/**
 * For each node j, the nodes that receive from it (i with W_ij ≠ 0, i ≠ j), ascending: whom j must send
 * its value to in this step. Equals the receive list when W is symmetric.
 */
export function sendTargets(w: MixingMatrix): Int32Array[] {
  const lists: number[][] = Array.from({ length: w.n }, () => []);
  w.rows.forEach((row, i) => {
    for (const e of row.neighbors) if (e.weight !== 0) lists[e.node].push(i);
  });
  return lists.map((l) => Int32Array.from(l));
}
