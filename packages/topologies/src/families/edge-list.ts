import { readFileSync } from 'node:fs';
import { errors } from '@starling/core';
import { type Graph, graphFromEdges } from '../graph.js';
import { intOption } from '../options.js';

/** Options of {@link parseEdgeList}. */
export interface EdgeListOptions {
  /** The number of nodes; by default the largest id + 1, and then every id must appear in some edge. */
  readonly nodes?: number;
}

/**
 * Parses an undirected edge list: one edge `i j` per line (two non-negative integer node ids separated by
 * white space), `#` starts a comment, blank lines are skipped. An edge given twice (in either order) is
 * kept once, so lists that name both directions are accepted. Self-loops, extra fields and bad ids are
 * errors naming `source:line`.
 *
 * @param source the file name used in error messages
 */
export function parseEdgeList(text: string, source = 'edge list', options: EdgeListOptions = {}): Graph {
  if (options.nodes !== undefined) intOption('topology.nodes', options.nodes, 2);
  const pairs: number[] = [];
  const lines = text.split(/\r?\n/);
  let maxId = -1;
  for (let at = 0; at < lines.length; at++) {
    const content = lines[at].replace(/#.*/, '').trim();
    if (content === '') continue;
    const where = `${source}:${at + 1}`;
    const fields = content.split(/\s+/);
    if (fields.length !== 2) throw errors.data(where, `expected two node ids "i j", got ${JSON.stringify(content)}`);
    const [i, j] = fields.map((field) => {
      if (!/^\d+$/.test(field))
        throw errors.data(where, `node id must be a non-negative integer, got ${JSON.stringify(field)}`);
      return Number(field);
    });
    if (!Number.isSafeInteger(i) || !Number.isSafeInteger(j)) throw errors.data(where, 'node id is too large');
    if (i === j) throw errors.data(where, `self-loop ${i} ${j} is not allowed`);
    if (options.nodes !== undefined && Math.max(i, j) >= options.nodes) {
      throw errors.data(where, `node id ${Math.max(i, j)} is out of range for nodes = ${options.nodes}`);
    }
    maxId = Math.max(maxId, i, j);
    pairs.push(i, j);
  }
  if (maxId < 0) throw errors.data(source, 'contains no edges');
  const n = options.nodes ?? maxId + 1;
  const graph = graphFromEdges(n, pairs);
  if (options.nodes === undefined) {
    const missing = graph.neighbors.findIndex((nb) => nb.length === 0);
    if (missing >= 0) {
      throw errors.data(source, `node ${missing} has no edge (ids must run 0..${maxId} without gaps, or set nodes)`);
    }
  }
  return graph;
}

/** Reads and parses an edge-list file (see {@link parseEdgeList}); a missing file is a `data` error. */
export function readEdgeListFile(file: string, options: EdgeListOptions = {}): Graph {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (cause) {
    throw errors.data(file, `cannot read the edge list (${(cause as Error).message})`, cause);
  }
  return parseEdgeList(text, file, options);
}
