import {
  compressorSchema,
  dataSpecSchema,
  LOSS_KINDS,
  modelSpecSchema,
  NOISE_SOURCES,
  nodeAdversarySchema,
  optimizerSchema,
  parseSpec,
} from '@starling/core';
import { z } from 'zod';
import type { HostSetup } from './node-setup.js';

const count = z.number().int().nonnegative();
const noise = z.enum(NOISE_SOURCES);
/** C may be +∞ (no clipping) only as DP-SGD allows it without noise; msgpack carries ∞, JSON does not. */
const clipNorm = z.number().positive().or(z.literal(Number.POSITIVE_INFINITY));

/** `LocalPlan`: E epochs of batch B (null: the whole local set), optionally capped at `maxSteps`. */
export const localPlanSchema = z.strictObject({
  epochs: count,
  batchSize: z.number().int().positive().nullable(),
  maxSteps: count.optional(),
  proximalMu: z.number().positive().finite().optional(),
  normalizeBySteps: z.boolean().optional(),
});

/** `NodePrivacy` as `planRunPrivacy` resolves it for the nodes. */
export const nodePrivacySchema = z.strictObject({
  dpSgd: z
    .strictObject({
      clipNorm,
      normalizeKappa: z.number().nonnegative().nullable().optional(),
      noiseMultiplier: z.number().nonnegative(),
      sampleRate: z.number().gt(0).lte(1),
      lotSize: z.number().positive().optional(),
      noise,
    })
    .optional(),
  update: z.strictObject({ clipNorm, noiseMultiplier: z.number().nonnegative(), noise }).optional(),
});

/** A model layout: tensors packed in order, `size` entries in all. */
export const layoutSchema = z.strictObject({
  tensors: z.array(z.strictObject({ name: z.string(), shape: z.array(count), offset: count, size: count })),
  size: count,
});

/**
 * `NodeSetup` as a host receives it: what every node of a run is built from (the same section schemas the
 * CLI validates). No `dataBaseDir`: the server's folders are not sent; the host resolves data paths itself.
 */
export const nodeSetupSchema = z.strictObject({
  seed: count.max(Number.MAX_SAFE_INTEGER),
  data: dataSpecSchema,
  model: modelSpecSchema,
  loss: z.enum(LOSS_KINDS),
  optimizer: optimizerSchema,
  local: localPlanSchema,
  kernels: z.enum(['auto', 'native', 'js']),
  privacy: nodePrivacySchema.optional(),
  compression: z
    .strictObject({
      up: compressorSchema.optional(),
      tiers: z.array(compressorSchema.nullable()).max(16).optional(),
      tierOf: z
        .string()
        .regex(/^[-0-9a-f]*$/)
        .optional(),
    })
    .optional(),
  adversary: nodeAdversarySchema.optional(),
});

/** Each carried node's example indices, keyed by node id. */
export const partitionMapSchema = z.record(z.string().regex(/^(0|[1-9]\d*)$/), z.array(count));

/** `welcome.config` of a worker host. */
export const hostSetupSchema = z.strictObject({
  setup: nodeSetupSchema,
  partition: partitionMapSchema,
  layout: layoutSchema.optional(),
  /** Per-node local plans (`systems.localWork`), keyed by node id; absent: every node runs `setup.local`. */
  local: z.record(z.string().regex(/^(0|[1-9]\d*)$/), localPlanSchema).optional(),
  /** Per-node network and compute emulation (`systems.emulate`), keyed by node id; absent: none. */
  emulate: z
    .record(
      z.string().regex(/^(0|[1-9]\d*)$/),
      z.strictObject({
        latencyS: z.number().nonnegative(),
        upBps: z.number().positive().nullable(),
        downBps: z.number().positive().nullable(),
        computeS: z.number().nonnegative(),
        /** Seeded packet loss (`systems.network.lossRate`): the rate and the client's loss-stream key. */
        loss: z
          .strictObject({
            rate: z.number().min(0).lt(1),
            key: z.tuple([z.number().int().min(0).max(0xffffffff), z.number().int().min(0).max(0xffffffff)]),
          })
          .nullable()
          .optional(),
      }),
    )
    .optional(),
});

/**
 * Checks a worker host's `welcome.config` and returns it typed; a bad one is a `config` error listing
 * every problem under `welcome.config` (`welcome.config.setup.data.kind must be one of ...`).
 */
export function parseHostSetup(config: unknown): HostSetup {
  return parseSpec(hostSetupSchema, config, 'welcome.config');
}
