import { errors, parseSpec } from '@starling/core';
import { z } from 'zod';
import { parseEdgeList, readEdgeListFile } from '../families/edge-list.js';
import { type GraphFamily, nodesAtLeast } from './topology-kind.js';

const schema = z.strictObject({
  kind: z.literal('edge_list'),
  nodes: nodesAtLeast(2).optional(),
  file: z.string().min(1).optional(),
  text: z.string().optional(),
});

/** `edge_list`: a graph read from an edge-list `file` (or given as `text`), see {@link parseEdgeList}. */
export const edgeListFamily: GraphFamily = {
  type: 'graph',
  kind: 'edge_list',
  random: false,
  schema,
  build: (value, path) => {
    const { file, text, nodes } = parseSpec(schema, value, path);
    const options = nodes === undefined ? {} : { nodes };
    if (file !== undefined && text === undefined) return readEdgeListFile(file, options);
    if (text !== undefined && file === undefined) return parseEdgeList(text, 'edge list', options);
    throw errors.option(`${path}.file`, `a path to an edge-list file (or ${path}.text, but not both)`, file);
  },
};
