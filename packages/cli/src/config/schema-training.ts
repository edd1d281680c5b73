import { lossSpecSchema, modelSpecSchema } from '@starling/core';
import { z } from 'zod';

const posInt = z.number().int().positive();
const unit = z.number().gte(0).lt(1);

/** `model`: validated by `modelSpecSchema` beside `makeModel` in @starling/core. */
export const modelSchema = modelSpecSchema;

/** `loss`: validated by `lossSpecSchema` in @starling/core. */
export const lossSchema = lossSpecSchema;

type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; stepSize: number; gamma: number }
  | { kind: 'exponential'; gamma: number }
  | { kind: 'cosine'; totalSteps: number; minLr: number }
  | { kind: 'warmup'; warmupSteps: number; startFactor: number; after: Schedule }
  | { kind: 'cyclic'; maxLr: number; stepSize: number }
  | { kind: 'inverse_sqrt'; timescale: number };

/** `optimizer.schedule`: the learning rate as a function of the node's optimizer step t. */
export const scheduleSchema: z.ZodType<Schedule> = z.lazy(() =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('constant') }),
    z.strictObject({ kind: z.literal('step'), stepSize: posInt, gamma: z.number().positive().max(1).default(0.1) }),
    z.strictObject({ kind: z.literal('exponential'), gamma: z.number().positive().max(1) }),
    z.strictObject({ kind: z.literal('cosine'), totalSteps: posInt, minLr: z.number().nonnegative().default(0) }),
    z.strictObject({
      kind: z.literal('warmup'),
      warmupSteps: posInt,
      startFactor: z.number().gte(0).lte(1).default(0),
      after: scheduleSchema.default({ kind: 'constant' }),
    }),
    z.strictObject({ kind: z.literal('cyclic'), maxLr: z.number().positive(), stepSize: posInt }),
    z.strictObject({ kind: z.literal('inverse_sqrt'), timescale: z.number().positive().default(1) }),
  ]),
) as z.ZodType<Schedule>;

const common = (lr: number | null, weightDecay = 0) => ({
  lr: lr === null ? z.number().positive() : z.number().positive().default(lr),
  weightDecay: z.number().nonnegative().default(weightDecay),
  clipNorm: z.number().positive().optional(),
  schedule: scheduleSchema.optional(),
});
const eps = (value: number) => z.number().positive().default(value);

/**
 * `optimizer`: the local (client/peer) optimizer. Defaults follow PyTorch (and
 * packages/core/src/optim/optimizer-spec.ts, which validates the same options again); `lr` is
 * required for sgd, momentum and nesterov.
 */
export const optimizerSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('sgd'), ...common(null) }),
  z.strictObject({ kind: z.literal('momentum'), ...common(null), momentum: unit.default(0.9) }),
  z.strictObject({ kind: z.literal('nesterov'), ...common(null), momentum: unit.default(0.9) }),
  z.strictObject({ kind: z.literal('adagrad'), ...common(0.01), eps: eps(1e-10) }),
  z.strictObject({ kind: z.literal('rmsprop'), ...common(0.01), rho: unit.default(0.99), eps: eps(1e-8) }),
  z.strictObject({ kind: z.literal('adadelta'), ...common(1), rho: unit.default(0.9), eps: eps(1e-6) }),
  z.strictObject({
    kind: z.literal('adam'),
    ...common(0.001),
    beta1: unit.default(0.9),
    beta2: unit.default(0.999),
    eps: eps(1e-8),
  }),
  z.strictObject({
    kind: z.literal('adamw'),
    ...common(0.001, 0.01),
    beta1: unit.default(0.9),
    beta2: unit.default(0.999),
    eps: eps(1e-8),
  }),
]);

export type ModelConfig = z.infer<typeof modelSchema>;
export type OptimizerConfig = z.infer<typeof optimizerSchema>;
