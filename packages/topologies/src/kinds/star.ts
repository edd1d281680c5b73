import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { starGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({ kind: z.literal('star'), nodes: nodesAtLeast(2) });

/** `star`: see {@link starGraph}. */
export const starFamily: GraphFamily = {
  type: 'graph',
  kind: 'star',
  random: false,
  schema,
  build: (value, path) => starGraph(parseSpec(schema, value, path).nodes),
};
