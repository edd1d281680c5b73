import { batchInto } from '../data/dataset.js';

/**
 * Examples as the trainer sees them: `x` is n×d row-major, `y` holds class labels (Int32Array, with
 * `classes` ≥ 2) or regression targets (Float32Array, `classes` = 0).
 */
export interface TrainingData {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly n: number;
  readonly d: number;
  readonly classes: number;
}

/** A reusable minibatch buffer for up to `capacity` examples of one data set. */
export interface Batch {
  readonly x: Float32Array;
  readonly y: Int32Array | Float32Array;
  readonly capacity: number;
}

/** Allocates a minibatch buffer for `capacity` examples of `data`. */
export function makeBatch(data: TrainingData, capacity: number): Batch {
  const y = data.classes === 0 ? new Float32Array(capacity) : new Int32Array(capacity);
  return { x: new Float32Array(capacity * data.d), y, capacity };
}

/**
 * Copies examples `order[start .. start+count)` of `data` into `batch` (count ≤ capacity, validated by
 * {@link batchInto}) and returns views of exactly `count` rows.
 */
export function gather(
  data: TrainingData,
  order: ArrayLike<number>,
  start: number,
  count: number,
  batch: Batch,
): { x: Float32Array; y: Int32Array | Float32Array } {
  batchInto(data, order, start, count, batch.x, batch.y);
  return { x: batch.x.subarray(0, count * data.d), y: batch.y.subarray(0, count) };
}
