import { KindTable, parseSpec } from '@starling/core';
import { z } from 'zod';
import { clippedGossip, clippedGossipSchema } from './clipped-gossip.js';
import { mix } from './combine.js';
import type { GossipCombine } from './gossip-combine.js';

/** A gossip aggregator as configured (`algorithm.aggregator` of dpsgd / consensus). */
export type GossipAggregatorSpec =
  | { readonly kind: 'mean' }
  | { readonly kind: 'clipped_gossip'; readonly tau: number };

/** One row of the gossip aggregator table: its name, schema, one line for docs and its factory. */
export interface GossipAggregatorKind {
  readonly kind: GossipAggregatorSpec['kind'];
  readonly summary: string;
  readonly schema: z.ZodType<GossipAggregatorSpec>;
  create(spec: GossipAggregatorSpec): GossipCombine;
}

/** Plain gossip: out = Σ_j W_ij v_j (`mix`), the rule every shipped gossip experiment uses. */
export const gossipMean: GossipCombine = {
  kind: 'mean',
  combine: (kernels, _self, terms, renormalize, out) => mix(kernels, terms, renormalize, out),
};

const MEAN: GossipAggregatorKind = {
  kind: 'mean',
  summary: "plain gossip: the W-weighted average of the own and the neighbours' values",
  schema: z.strictObject({ kind: z.literal('mean') }),
  create: () => gossipMean,
};

const CLIPPED: GossipAggregatorKind = {
  kind: 'clipped_gossip',
  summary: "self-centered clipping (He, Karimireddy, Jaggi 2022): each neighbour's pull clipped to L2 radius tau",
  schema: clippedGossipSchema,
  create: (spec) => clippedGossip(spec.kind === 'clipped_gossip' ? spec.tau : Number.POSITIVE_INFINITY),
};

/** The gossip aggregators by name (separate from the parameter server's table: these mix models, not updates). */
export const gossipAggregators = new KindTable<GossipAggregatorSpec, GossipAggregatorKind>('gossip aggregator', [
  MEAN,
  CLIPPED,
]);

/** The schema of `algorithm.aggregator` on dpsgd and consensus (and of `GossipSetup.aggregator`). */
export const gossipAggregatorSchema = gossipAggregators.schema;

/**
 * The combine rule of a spec (absent: plain gossip). Errors name `path` (default `algorithm.aggregator`).
 */
export function makeGossipCombine(spec: unknown, path = 'algorithm.aggregator'): GossipCombine {
  if (spec === undefined) return gossipMean;
  const parsed = parseSpec(gossipAggregatorSchema, spec, path);
  return gossipAggregators.require(parsed.kind, `${path}.kind`).create(parsed);
}
