import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { hypercubeGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('hypercube'), nodes: nodesAtLeast(2) });

/** `hypercube`: see {@link hypercubeGraph}. */
export const hypercubeFamily: GraphFamily = {
  type: 'graph',
  kind: 'hypercube',
  random: false,
  schema,
  build: (value, path) => hypercubeGraph(parseSpec(schema, value, path).nodes),
};
