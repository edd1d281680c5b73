import { compressorSchema } from '@starling/core';
import { z } from 'zod';

/**
 * `compression`: what each link direction sends. `up`: a node's update to the server; `down`: the
 * server's model to the hosts, compressed as the difference from the copy the hosts already hold
 * (`downOf: delta`, the default) or as the model itself (`downOf: model`); `gossip`: a peer's message
 * to its neighbours (CHOCO-SGD, Koloskova et al. 2019, with consensus step size `gamma`). An absent
 * direction travels as raw float32. `upTiers` gives slow clients their own uplink compressor (docs/compression.md,
 * "Per-client compression by bandwidth tier"). Each compressor is core's `compressorSchema` (its kinds, options and
 * defaults live with their factories in packages/core/src/compress). See docs/compression.md.
 */
export const compressionSchema = z
  .strictObject({
    up: compressorSchema.optional(),
    down: compressorSchema.optional(),
    downOf: z.enum(['delta', 'model']).default('delta'),
    gossip: compressorSchema.optional(),
    /**
     * Per-client uplink compression by bandwidth tier (needs `systems.network`): client i uses the first
     * tier whose `maxUplinkBps` is at least its drawn uplink rate (`up: null`: raw float32); clients
     * faster than every tier use `up`. Ascending `maxUplinkBps`, at most 16 tiers.
     */
    upTiers: z
      .array(z.strictObject({ maxUplinkBps: z.number().positive(), up: compressorSchema.nullable() }))
      .min(1)
      .max(16)
      .optional(),
    gamma: z.number().gt(0).lte(1).optional(),
  })
  .default({ downOf: 'delta' });

/** One compressor as validated (any kind of core's `compressors` table, defaults filled). */
export type CompressorConfig = z.infer<typeof compressorSchema>;
export type CompressionConfig = z.infer<typeof compressionSchema>;
