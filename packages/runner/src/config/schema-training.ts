import { optimizerSchema as coreOptimizerSchema } from '@starling/core';
import { z } from 'zod';

const posInt = z.number().int().positive();

export const modelSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('linear'), init: z.enum(['zeros', 'xavier', 'kaiming']).optional() }),
  z.strictObject({ kind: z.literal('logistic'), init: z.enum(['zeros', 'xavier', 'kaiming']).optional() }),
  z.strictObject({ kind: z.literal('softmax'), init: z.enum(['zeros', 'xavier', 'kaiming']).optional() }),
  z.strictObject({
    kind: z.literal('mlp'),
    hidden: z.array(posInt).min(1),
    activation: z.enum(['relu', 'leaky_relu', 'elu', 'tanh', 'sigmoid']).default('relu'),
    init: z.enum(['zeros', 'xavier', 'kaiming']).optional(),
  }),
]);

export const lossSchema = z.strictObject({ kind: z.enum(['softmax_ce', 'bce', 'mse', 'hinge']) });

/**
 * `optimizer`: the local (client/peer) optimizer and its `schedule`: core's `optimizerSchema`, whose
 * kinds, options and defaults (PyTorch's) live with their factories in packages/core/src/optim.
 */
export const optimizerSchema = coreOptimizerSchema;

export type ModelConfig = z.infer<typeof modelSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
