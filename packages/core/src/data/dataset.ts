import { errors } from '../errors.js';

/**
 * A labelled dataset held in flat typed arrays.
 *
 * - `x` is `n × d`, row-major: example `i` is `x[i·d .. (i+1)·d)`.
 * - `y` holds one class label per example (`Int32Array`, values in `[0, classes)`) for classification,
 *   or one real target per example (`Float32Array`) for regression, where `classes` is 0.
 * - `shape` optionally gives the per-example feature shape (e.g. `[28, 28]`); its product is `d`.
 */
export interface Dataset {
  readonly name: string;
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly n: number;
  readonly d: number;
  readonly classes: number;
  readonly shape?: readonly number[];
}

/** A train/test pair, as returned by every data loader. */
export interface DataSplit {
  readonly train: Dataset;
  readonly test: Dataset;
}

/**
 * Builds a dataset and checks its invariants: `x.length = n·d`, `y.length = n`, labels are integers in
 * `[0, classes)` when `classes > 0`, and `y` is a `Float32Array` when `classes` is 0.
 */
export function makeDataset(fields: {
  name: string;
  x: Float32Array;
  y: Int32Array | Float32Array;
  d: number;
  classes: number;
  shape?: readonly number[];
}): Dataset {
  const { name, x, y, d, classes, shape } = fields;
  if (!Number.isInteger(d) || d < 1) throw errors.shape(`${name}: features per example`, 'a positive integer', d);
  const n = y.length;
  if (x.length !== n * d) throw errors.shape(`${name}: x.length (n·d with n = ${n}, d = ${d})`, n * d, x.length);
  if (classes > 0) {
    if (!(y instanceof Int32Array)) throw errors.shape(`${name}: labels`, 'an Int32Array', y.constructor.name);
    for (let i = 0; i < n; i++) {
      if (y[i] < 0 || y[i] >= classes) throw errors.shape(`${name}: label ${i}`, `in [0, ${classes})`, y[i]);
    }
  } else if (!(y instanceof Float32Array)) {
    throw errors.shape(`${name}: regression targets`, 'a Float32Array', y.constructor.name);
  }
  if (shape !== undefined && shape.reduce((a, b) => a * b, 1) !== d) {
    throw errors.shape(
      `${name}: product of shape [${shape.join(', ')}]`,
      d,
      shape.reduce((a, b) => a * b, 1),
    );
  }
  return shape === undefined ? { name, x, y, n, d, classes } : { name, x, y, n, d, classes, shape };
}

/** A new dataset holding copies of the rows `indices` (in that order); the name and classes carry over. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const m = indices.length;
  const x = new Float32Array(m * ds.d);
  const y = ds.y instanceof Int32Array ? new Int32Array(m) : new Float32Array(m);
  batchInto(ds, indices, 0, m, x, y);
  return { ...ds, x, y, n: m };
}

/**
 * Gathers the minibatch `indices[start .. start+count)` into caller-owned buffers without allocating:
 * row `k` of the batch goes to `xOut[k·d .. (k+1)·d)` and its label or target to `yOut[k]`.
 * @param xOut at least `count·d` floats
 * @param yOut at least `count` entries, of the same type as `ds.y`
 */
export function batchInto(
  ds: Pick<Dataset, 'x' | 'y' | 'n' | 'd'>,
  indices: ArrayLike<number>,
  start: number,
  count: number,
  xOut: Float32Array,
  yOut: Int32Array | Float32Array,
): void {
  const { d, n, x, y } = ds;
  if (start < 0 || count < 0 || start + count > indices.length) {
    throw errors.shape(
      'batchInto: batch range within indices',
      `[0, ${indices.length}]`,
      `[${start}, ${start + count})`,
    );
  }
  if (xOut.length < count * d) throw errors.shape('batchInto: xOut.length', `>= ${count * d}`, xOut.length);
  if (yOut.length < count) throw errors.shape('batchInto: yOut.length', `>= ${count}`, yOut.length);
  if (y instanceof Int32Array !== yOut instanceof Int32Array) {
    throw errors.shape('batchInto: yOut type', y.constructor.name, yOut.constructor.name);
  }
  for (let k = 0; k < count; k++) {
    const i = indices[start + k];
    if (!(i >= 0 && i < n)) throw errors.shape(`batchInto: index at ${start + k}`, `in [0, ${n})`, i);
    xOut.set(x.subarray(i * d, (i + 1) * d), k * d);
    yOut[k] = y[i];
  }
}
