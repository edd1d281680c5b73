import type { Kernels } from '../kernels/kernels.js';
import { type LossKind, lossForwardBackward } from '../models/losses.js';
import type { Model } from '../models/model.js';
import { gather, makeBatch, type TrainingData } from './batch.js';

/** Mean loss and accuracy of a model on a data set. */
export interface Evaluation {
  /** Mean loss per example. */
  readonly loss: number;
  /** Share of examples classified correctly (null for regression). */
  readonly accuracy: number | null;
  readonly examples: number;
}

/**
 * Evaluates `params` on every example of `data`, in chunks of `chunk` rows. Classification picks the
 * arg-max output (ties to the lowest index), or `logit > 0` for a single-output binary model.
 */
export function evaluate(
  model: Model,
  loss: LossKind,
  kernels: Kernels,
  params: Float32Array,
  data: TrainingData,
  chunk = 500,
): Evaluation {
  const size = Math.min(chunk, data.n);
  const batch = makeBatch(data, size);
  const cols = model.outputs;
  const scratch = new Float32Array(size * cols);
  const all = Int32Array.from({ length: data.n }, (_, i) => i);
  let total = 0;
  let correct = 0;
  for (let start = 0; start < data.n; start += size) {
    const count = Math.min(size, data.n - start);
    const b = gather(data, all, start, count, batch);
    const out = model.forward(kernels, params, b.x, count);
    for (let r = 0; r < count && data.classes > 0; r++) {
      let pred: number;
      if (cols === 1) pred = out[r] > 0 ? 1 : 0;
      else {
        pred = 0;
        for (let j = 1; j < cols; j++) if (out[r * cols + j] > out[r * cols + pred]) pred = j;
      }
      if (pred === b.y[r]) correct++;
    }
    total += lossForwardBackward(loss, kernels, count, cols, out, b.y, 0, scratch.subarray(0, count * cols));
  }
  return { loss: total / data.n, accuracy: data.classes > 0 ? correct / data.n : null, examples: data.n };
}
