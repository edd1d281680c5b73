import { type Kernels, parseSpec } from '@starling/core';
import type { z } from 'zod';

/** The state a server optimizer keeps between rounds: first and second moments, allocated on first use. */
export interface ServerMoments {
  m: Float32Array | null;
  v: Float32Array | null;
}

/**
 * One server update: applies the pseudo-gradient `delta` to `params` in place, updating `moments`. A rule
 * may hand an entrywise pass to the run's `kernels` (when given) only where every backend's bits equal its
 * own loop's.
 */
export type ServerStep = (
  params: Float32Array,
  delta: Float32Array,
  moments: ServerMoments,
  kernels?: Pick<Kernels, 'axpy'>,
) => void;

/** A server optimizer kind: its spec schema (defaults live here only) and its update rule. */
export interface ServerOptimizerKind<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly schema: S;
  /** Parses `value` (errors name `path`) and returns the update rule with those options. */
  make(value: unknown, path: string): ServerStep;
}

/** Declares a server optimizer kind from its schema and a rule over the parsed options. */
export function serverOptimizerKind<S extends z.ZodType>(def: {
  readonly kind: string;
  readonly schema: S;
  readonly step: (options: z.output<S>) => ServerStep;
}): ServerOptimizerKind<S> {
  return {
    kind: def.kind,
    schema: def.schema,
    make: (value, path) => def.step(parseSpec(def.schema, value, path)),
  };
}
