import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { gridGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const side = z.number().int().positive();
const schema = z.strictObject({
  kind: z.literal('grid'),
  nodes: nodesAtLeast(2).optional(),
  rows: side.optional(),
  cols: side.optional(),
});

/** `grid`: a rows × cols lattice, from `rows`/`cols` or the most square factorisation of `nodes` ({@link gridGraph}). */
export const gridFamily: GraphFamily = {
  type: 'graph',
  kind: 'grid',
  random: false,
  schema,
  build: (value, path) => gridGraph(parseSpec(schema, value, path)),
};
