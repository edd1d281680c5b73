import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { ringGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('ring'), nodes: nodesAtLeast(3) });

/** `ring`: see {@link ringGraph}. */
export const ringFamily: GraphFamily = {
  type: 'graph',
  kind: 'ring',
  random: false,
  schema,
  build: (value, path) => ringGraph(parseSpec(schema, value, path).nodes),
};
