import { z } from 'zod';

const fraction = z.number().gt(0).lt(1);
const posInt = z.number().int().positive();

const limits = { limit: posInt.optional(), testLimit: posInt.optional() };

/**
 * `data`: where examples come from (mirrors `DataSpec` in packages/core/src/data/data-spec.ts, whose
 * loader checks the same options again). Every kind splits into train and test deterministically by seed.
 */
export const dataSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('mnist'), testFraction: fraction.default(0.2), ...limits }),
  z.strictObject({ kind: z.literal('fashion-mnist'), dir: z.string().min(1).optional(), ...limits }),
  z.strictObject({
    kind: z.literal('idx'),
    trainImages: z.string().min(1),
    trainLabels: z.string().min(1),
    testImages: z.string().min(1),
    testLabels: z.string().min(1),
    classes: z.number().int().min(2).optional(),
    ...limits,
  }),
  z.strictObject({
    kind: z.literal('synthetic-linear'),
    n: posInt,
    d: posInt,
    noise: z.number().nonnegative().optional(),
    nTest: posInt.optional(),
  }),
  z.strictObject({
    kind: z.literal('synthetic-logistic'),
    n: posInt,
    d: posInt,
    scale: z.number().positive().optional(),
    nTest: posInt.optional(),
  }),
  z.strictObject({
    kind: z.literal('synthetic-blobs'),
    n: posInt,
    d: posInt,
    classes: z.number().int().min(2).optional(),
    std: z.number().positive().optional(),
    spread: z.number().positive().optional(),
    nTest: posInt.optional(),
  }),
]);

/** `algorithm.partition`: how training examples are split across clients (all seeded). */
export const partitionSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('iid') }),
  z.strictObject({ kind: z.literal('shards'), shardsPerClient: posInt.default(2) }),
  z.strictObject({ kind: z.literal('dirichlet'), alpha: z.number().positive(), minSize: posInt.optional() }),
  z.strictObject({ kind: z.literal('lognormal'), sigma: z.number().nonnegative(), minSize: posInt.optional() }),
]);

export type DataConfig = z.infer<typeof dataSchema>;
export type PartitionConfig = z.infer<typeof partitionSchema>;
