import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { wattsStrogatzGraph } from '../families/watts-strogatz.js';
import { type GraphFamily, maxTries, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({
  kind: z.literal('watts_strogatz'),
  nodes: nodesAtLeast(3),
  k: z.number().int().min(2),
  beta: z.number().gte(0).lte(1),
  maxTries,
});

/** `watts_strogatz`: a connected small-world graph ({@link wattsStrogatzGraph}). */
export const wattsStrogatzFamily: GraphFamily = {
  type: 'graph',
  kind: 'watts_strogatz',
  random: true,
  schema,
  build: (value, path, rng) => wattsStrogatzGraph(parseSpec(schema, value, path), rng),
};
