import { parseSpec } from '@starling/core';
import { z } from 'zod';
import { randomRegularGraph } from '../families/random-regular.js';
import { type GraphFamily, maxTries, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({
  kind: z.literal('random_regular'),
  nodes: nodesAtLeast(2),
  degree: z.number().int().positive(),
  maxTries,
});

/** `random_regular`: a connected random d-regular graph ({@link randomRegularGraph}). */
export const randomRegularFamily: GraphFamily = {
  type: 'graph',
  kind: 'random_regular',
  random: true,
  schema,
  build: (value, path, rng) => randomRegularGraph(parseSpec(schema, value, path), rng),
};
