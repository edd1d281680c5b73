import { z } from 'zod';

const errorFeedback = z.boolean().default(false);
const levels = z.number().int().min(1).max(65535);
const sparsity = {
  ratio: z.number().gt(0).lte(1).optional(),
  count: z.number().int().positive().optional(),
};

/**
 * One compressor (mirrors `CompressorSpec` in packages/core/src/compress/compressor-spec.ts, which
 * `makeCompressor` checks again against the model's size). `errorFeedback: true` wraps any kind in
 * EF-SGD. See docs/compression.md.
 */
export const compressorSchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.enum(['none', 'fp16', 'bf16', 'sign']), errorFeedback }),
    z.strictObject({ kind: z.literal('qsgd'), levels, errorFeedback }),
    z.strictObject({ kind: z.literal('topk'), ...sparsity, errorFeedback }),
    z.strictObject({ kind: z.literal('randk'), ...sparsity, unbiased: z.boolean().default(false), errorFeedback }),
    z.strictObject({
      kind: z.literal('dropout'),
      p: z.number().gt(0).lte(1),
      unbiased: z.boolean().default(false),
      errorFeedback,
    }),
    z.strictObject({ kind: z.literal('powersgd'), rank: levels, errorFeedback }),
  ])
  .superRefine((c, ctx) => {
    if ((c.kind === 'topk' || c.kind === 'randk') && (c.ratio === undefined) === (c.count === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['ratio'],
        message: 'must be given, or else count, but not both',
        input: c.ratio,
      });
    }
  });

/**
 * `compression`: what each link direction sends. `up`: a node's update to the server; `down`: the
 * server's model to the hosts, compressed as the difference from the copy the hosts already hold
 * (`downOf: delta`, the default) or as the model itself (`downOf: model`); `gossip`: a peer's message
 * to its neighbours (CHOCO-SGD, Koloskova et al. 2019, with consensus step size `gamma`). An absent
 * direction travels as raw float32. See docs/compression.md.
 */
export const compressionSchema = z
  .strictObject({
    up: compressorSchema.optional(),
    down: compressorSchema.optional(),
    downOf: z.enum(['delta', 'model']).default('delta'),
    gossip: compressorSchema.optional(),
    gamma: z.number().gt(0).lte(1).optional(),
  })
  .default({ downOf: 'delta' });

export type CompressorConfig = z.infer<typeof compressorSchema>;
export type CompressionConfig = z.infer<typeof compressionSchema>;
