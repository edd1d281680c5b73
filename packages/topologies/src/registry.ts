import { errors, Rng, StarlingError } from '@starling/core';
import type { Graph } from './graph.js';
import { topologyKinds } from './kinds/topology-table.js';

/**
 * A graph picked by name: `kind` selects the family in the topology table (kinds/topology-table.ts);
 * the other fields are that family's options (its schema in kinds/ lists them). Random kinds need an `Rng`.
 */
export interface GraphSpec {
  readonly kind: string;
  readonly [option: string]: unknown;
}

/** The name of a static graph family. */
export type GraphKind = string;

/** Every static graph family `makeGraph` knows (built in or registered), in documentation order. */
export function graphKinds(): string[] {
  return topologyKinds.kinds().filter((kind) => topologyKinds.get(kind)?.family.type === 'graph');
}

/** Whether `kind` names a graph family that draws random numbers (and so needs a seed). */
export function isRandomGraphKind(kind: string): boolean {
  const family = topologyKinds.get(kind)?.family;
  return family?.type === 'graph' && family.random;
}

/**
 * Builds the graph a spec names, validating its options with its family's schema; errors name the
 * option path under `path` (`topology.p must be <= 1, got 1.5`). Unknown kinds and unknown option
 * keys are config errors.
 *
 * @param rng required for random kinds; they draw from `rng.fork('topology')`, so the graph depends
 *   only on the seed, not on what the caller drew before
 */
export function makeGraph(spec: GraphSpec, rng?: Rng, path = 'topology'): Graph {
  if (typeof spec !== 'object' || spec === null) throw errors.option(path, 'an object with a kind', spec);
  const family = topologyKinds.get(String(spec.kind))?.family;
  if (family?.type !== 'graph') throw errors.unknownKind(`${path}.kind`, String(spec.kind), graphKinds());
  if (family.random && rng === undefined) {
    throw errors.option(`${path}.seed`, `set: ${spec.kind} is a random graph and needs a seeded Rng`, undefined);
  }
  const r = (rng ?? Rng.fromSeed(0)).fork('topology');
  return underPath(path, () => family.build(spec, path, r));
}

/**
 * Runs a builder whose own checks name `topology.<option>` and re-roots those paths under `path`
 * (`algorithm.topology.degree must be ...`), so every error names the option's place in the config.
 */
export function underPath<T>(path: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (path === 'topology' || !(err instanceof StarlingError) || !err.path?.startsWith('topology')) throw err;
    const rest = err.path.slice('topology'.length);
    const message = err.message.startsWith(err.path) ? `${path}${err.message.slice('topology'.length)}` : err.message;
    throw new StarlingError(err.code, message, { path: `${path}${rest}` });
  }
}
