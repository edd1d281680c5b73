import { optimizerSchema as coreOptimizerSchema, lossSpecSchema, modelSpecSchema } from '@starling/core';
import type { z } from 'zod';

/** `model`: validated by `modelSpecSchema` beside `makeModel` in @starling/core. */
export const modelSchema = modelSpecSchema;

/** `loss`: validated by `lossSpecSchema` in @starling/core. */
export const lossSchema = lossSpecSchema;

/**
 * `optimizer`: the local (client/peer) optimizer and its `schedule`: core's `optimizerSchema`, whose
 * kinds, options and defaults (PyTorch's) live with their factories in packages/core/src/optim.
 */
export const optimizerSchema = coreOptimizerSchema;

export type ModelConfig = z.infer<typeof modelSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
