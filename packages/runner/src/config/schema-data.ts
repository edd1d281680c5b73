import { partitionSchema as corePartitionSchema, dataSpecSchema } from '@starling/core';
import type { z } from 'zod';

/**
 * `data`: where examples come from; each kind's schema sits beside its loader in @starling/core
 * (`dataKinds`, packages/core/src/data). Every kind splits into train and test deterministically by seed.
 */
export const dataSchema = dataSpecSchema;

/** `algorithm.partition`: how training examples are split across clients (all seeded); see `partitions` in core. */
export const partitionSchema = corePartitionSchema;

export type DataConfig = z.infer<typeof dataSchema>;
export type PartitionConfig = z.infer<typeof partitionSchema>;
