import { errors, parseSpec } from '@starling/core';
import { type GraphFamily, graphFromEdges, nodesAtLeast, registerTopologyFamily } from '@starling/topologies';
import { z } from 'zod';

const schema = z.strictObject({
  kind: z.literal('circulant'),
  nodes: nodesAtLeast(3),
  offsets: z.array(z.number().int().positive()).min(1),
});

/**
 * A test plug-in: the circulant graph C_n(offsets), node i linked to i ± s for every offset s
 * (1 ≤ s ≤ n/2). Importing this file registers it; nothing else in Starling names it.
 */
export const circulantFamily: GraphFamily = {
  type: 'graph',
  kind: 'circulant',
  random: false,
  schema,
  build: (value, path) => {
    const { nodes, offsets } = parseSpec(schema, value, path);
    const pairs: number[] = [];
    offsets.forEach((s, k) => {
      if (2 * s > nodes) throw errors.option(`${path}.offsets[${k}]`, `at most nodes / 2 = ${nodes / 2}`, s);
      for (let i = 0; i < nodes; i++) pairs.push(i, (i + s) % nodes);
    });
    return graphFromEdges(nodes, pairs);
  },
};

registerTopologyFamily(circulantFamily);
