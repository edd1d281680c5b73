import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { erdosRenyiGraph } from '../families/erdos-renyi.js';
import { type GraphFamily, maxTries, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({
  kind: z.literal('erdos_renyi'),
  nodes: nodesAtLeast(2),
  p: z.number().gt(0).lte(1),
  maxTries,
});

/** `erdos_renyi`: a connected G(n, p) graph ({@link erdosRenyiGraph}). */
export const erdosRenyiFamily: GraphFamily = {
  type: 'graph',
  kind: 'erdos_renyi',
  random: true,
  schema,
  build: (value, path, rng) => erdosRenyiGraph(parseSpec(schema, value, path), rng),
};
