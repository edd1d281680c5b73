import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { completeGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('complete'), nodes: nodesAtLeast(2) });

/** `complete`: see {@link completeGraph}. */
export const completeFamily: GraphFamily = {
  type: 'graph',
  kind: 'complete',
  random: false,
  schema,
  build: (value, path) => completeGraph(parseSpec(schema, value, path).nodes),
};
