import type { Model } from '@starling/core';

/** Rows per forward call of `evaluate` (its default chunk), which sizes the buffers of the evaluating executor. */
const EVAL_CHUNK = 500;

/**
 * Floats of a model's work buffers in one executor: its buffers grow to the largest batch it has run,
 * the training batch or an evaluation chunk. 0 for models that do not report them (dense networks,
 * whose buffers are small next to their parameters).
 * @param batch examples per training step (for B = ∞, the largest client's examples)
 */
export function modelWorkFloats(model: Model, batch: number): number {
  return model.workFloats?.(Math.max(batch, EVAL_CHUNK)) ?? 0;
}
