import { compressorSchema, parseSpec } from '@starling/core';
import { topologySpecSchema } from '@starling/topologies';
import { isCurveKey } from '@starling/transport';
import { z } from 'zod';
import { nodeSetupSchema, partitionMapSchema } from '../host-setup-schema.js';
import { gossipAggregatorSchema } from './gossip-aggregator-table.js';
import type { GossipHostConfig, GossipSetup } from './gossip-setup.js';

const posInt = z.number().int().positive();

/** A topology spec with `nodes`, checked by its kind's schema in @starling/topologies. */
const topology = z
  .custom<GossipSetup['topology']>(
    (v) => typeof v === 'object' && v !== null && 'nodes' in v && typeof v.nodes === 'number',
    'must be a topology spec with nodes',
  )
  .superRefine((value, ctx) => {
    const result = topologySpecSchema.safeParse(value, { reportInput: true });
    // A finished issue is a raw issue with its message and path filled in; zod prefixes the path.
    if (!result.success) for (const issue of result.error.issues) ctx.issues.push(issue as z.core.$ZodRawIssue);
  });

/** `GossipSetup`: the run's gossip algorithm, topology and timing around the node setup. */
export const gossipSetupSchema = z.strictObject({
  node: nodeSetupSchema,
  algorithm: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('dpsgd'),
      order: z.enum(['cta', 'atc']),
      localSteps: posInt,
      batchSize: posInt,
    }),
    z.strictObject({ kind: z.literal('consensus') }),
  ]),
  peers: z.number().int().min(2),
  rounds: posInt,
  topology,
  inputs: posInt,
  classes: z.number().int().nonnegative(),
  evalEvery: posInt,
  roundDeadlineMs: z.number().nonnegative(),
  choco: z.strictObject({ compressor: compressorSchema, gamma: z.number().gt(0).lte(1) }).optional(),
  aggregator: gossipAggregatorSchema.optional(),
});

/** `welcome.config` of a gossip host. */
export const gossipHostConfigSchema = z.strictObject({
  kind: z.literal('gossip'),
  gossip: gossipSetupSchema,
  partition: partitionMapSchema,
  owners: z.array(z.string().min(1)),
  endpoints: z.record(z.string(), z.string().regex(/^(tcp|ipc):\/\/\S+$/)),
  keys: z.record(z.string(), z.string().refine(isCurveKey, 'must be a 40-character z85 key')).optional(),
  grant: z.number().int().nonnegative().optional(),
  lost: z.array(z.number().int().nonnegative()).optional(),
  from: z.number().int().nonnegative().optional(),
});

/**
 * Checks a gossip host's `welcome.config` and returns it typed; a bad one is a `config` error listing
 * every problem under `welcome.config`.
 */
export function parseGossipHostConfig(config: unknown): GossipHostConfig {
  return parseSpec(gossipHostConfigSchema, config, 'welcome.config');
}
