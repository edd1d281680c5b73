import { errors, type Rng } from '@starling/core';
import {
  completeGraph,
  exponentialGraph,
  gridGraph,
  hypercubeGraph,
  ringGraph,
  starGraph,
  torusGraph,
} from './families/deterministic.js';
import { parseEdgeList, readEdgeListFile } from './families/edge-list.js';
import { erdosRenyiGraph } from './families/erdos-renyi.js';
import { randomRegularGraph } from './families/random-regular.js';
import { wattsStrogatzGraph } from './families/watts-strogatz.js';
import type { Graph } from './graph.js';
import { checkKeys } from './options.js';

/**
 * A graph picked by name, as it appears in an experiment config under `topology`. `kind` selects the
 * family; the other fields are that family's options (see each builder). Random kinds need an `Rng`.
 */
export type GraphSpec =
  | { readonly kind: 'ring'; readonly nodes: number }
  | { readonly kind: 'torus' | 'grid'; readonly nodes?: number; readonly rows?: number; readonly cols?: number }
  | { readonly kind: 'star' | 'complete' | 'hypercube' | 'exponential'; readonly nodes: number }
  | { readonly kind: 'random_regular'; readonly nodes: number; readonly degree: number; readonly maxTries?: number }
  | { readonly kind: 'erdos_renyi'; readonly nodes: number; readonly p: number; readonly maxTries?: number }
  | {
      readonly kind: 'watts_strogatz';
      readonly nodes: number;
      readonly k: number;
      readonly beta: number;
      readonly maxTries?: number;
    }
  | { readonly kind: 'edge_list'; readonly file?: string; readonly text?: string; readonly nodes?: number };

/** The name of a static graph family. */
export type GraphKind = GraphSpec['kind'];

type AnySpec = Record<string, unknown> & { kind: string };
interface Family {
  readonly keys: readonly string[];
  readonly random: boolean;
  build(spec: AnySpec, rng: Rng | undefined): Graph;
}

const n = (spec: AnySpec) => spec.nodes as number;
const FAMILIES: Record<GraphKind, Family> = {
  ring: { keys: ['nodes'], random: false, build: (s) => ringGraph(n(s)) },
  torus: { keys: ['nodes', 'rows', 'cols'], random: false, build: (s) => torusGraph(s as never) },
  grid: { keys: ['nodes', 'rows', 'cols'], random: false, build: (s) => gridGraph(s as never) },
  star: { keys: ['nodes'], random: false, build: (s) => starGraph(n(s)) },
  complete: { keys: ['nodes'], random: false, build: (s) => completeGraph(n(s)) },
  hypercube: { keys: ['nodes'], random: false, build: (s) => hypercubeGraph(n(s)) },
  exponential: { keys: ['nodes'], random: false, build: (s) => exponentialGraph(n(s)) },
  random_regular: {
    keys: ['nodes', 'degree', 'maxTries'],
    random: true,
    build: (s, rng) => randomRegularGraph(s as never, rng!),
  },
  erdos_renyi: { keys: ['nodes', 'p', 'maxTries'], random: true, build: (s, rng) => erdosRenyiGraph(s as never, rng!) },
  watts_strogatz: {
    keys: ['nodes', 'k', 'beta', 'maxTries'],
    random: true,
    build: (s, rng) => wattsStrogatzGraph(s as never, rng!),
  },
  edge_list: { keys: ['file', 'text', 'nodes'], random: false, build: buildEdgeList },
};

/** Every static graph family `makeGraph` knows, in documentation order. */
export const GRAPH_KINDS: readonly GraphKind[] = Object.keys(FAMILIES) as GraphKind[];

/** Whether `kind` names a graph family that draws random numbers (and so needs a seed). */
export function isRandomGraphKind(kind: string): boolean {
  return (FAMILIES as Record<string, Family | undefined>)[kind]?.random === true;
}

/**
 * Builds the graph a spec names, validating its options with messages that name the option path
 * (`topology.p must be in (0, 1], got 1.5`). Unknown kinds and unknown option keys are config errors.
 *
 * @param rng required for random kinds; they draw from `rng.fork('topology')`, so the graph depends
 *   only on the seed, not on what the caller drew before
 */
export function makeGraph(spec: GraphSpec, rng?: Rng): Graph {
  const any = spec as unknown as AnySpec;
  if (typeof any !== 'object' || any === null) throw errors.option('topology', 'an object with a kind', spec);
  const family = (FAMILIES as Record<string, Family | undefined>)[any.kind];
  if (family === undefined) throw errors.unknownKind('topology.kind', String(any.kind), GRAPH_KINDS);
  checkKeys('topology', any, any.kind, family.keys);
  if (family.random && rng === undefined) {
    throw errors.option('topology.seed', `set: ${any.kind} is a random graph and needs a seeded Rng`, undefined);
  }
  return family.build(any, family.random ? rng?.fork('topology') : undefined);
}

function buildEdgeList(spec: AnySpec): Graph {
  const options = spec.nodes === undefined ? {} : { nodes: spec.nodes as number };
  if (typeof spec.file === 'string' && spec.text === undefined) return readEdgeListFile(spec.file, options);
  if (typeof spec.text === 'string' && spec.file === undefined) return parseEdgeList(spec.text, 'edge list', options);
  throw errors.option('topology.file', 'a path to an edge-list file (or topology.text, but not both)', spec.file);
}
