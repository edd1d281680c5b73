import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { exponentialGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('exponential'), nodes: nodesAtLeast(2) });

/** `exponential`: see {@link exponentialGraph}. */
export const exponentialFamily: GraphFamily = {
  type: 'graph',
  kind: 'exponential',
  random: false,
  schema,
  build: (value, path) => exponentialGraph(parseSpec(schema, value, path).nodes),
};
