import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { torusGraph } from '../families/deterministic.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const side = z.number().int().positive();
const schema = z.strictObject({
  kind: z.literal('torus'),
  nodes: nodesAtLeast(2).optional(),
  rows: side.optional(),
  cols: side.optional(),
});

/** `torus`: a rows × cols lattice, from `rows`/`cols` or the most square factorisation of `nodes` ({@link torusGraph}). */
export const torusFamily: GraphFamily = {
  type: 'graph',
  kind: 'torus',
  random: false,
  schema,
  build: (value, path) => torusGraph(parseSpec(schema, value, path)),
};
