import { parseSpec, type Rng } from '@starling/core';
import { z } from 'zod';
import type { Graph } from '../graph.js';
import type { MixingSchedule } from '../schedules/schedule.js';

/**
 * A kind's own options: a strict object with its `kind` literal, `nodes` and whatever else it takes
 * (the keys every topology shares, `lazy`, `seed` and for graphs `weights`, are added by the table).
 */
export type KindOptionsSchema = z.ZodObject<z.ZodRawShape, z.core.$strict>;

/**
 * A static graph family: its options schema, whether it draws random numbers, and its builder.
 * `build` parses `value` (its kind's options only) with `schema`, errors naming `path`, and builds
 * the graph; random families draw from `rng` (already forked for the topology).
 */
export interface GraphFamily {
  readonly type: 'graph';
  readonly kind: string;
  readonly random: boolean;
  readonly schema: KindOptionsSchema;
  build(value: unknown, path: string, rng: Rng): Graph;
}

/**
 * A time-varying mixing schedule (BlueFog style): its options schema, whether it is random, and
 * its builder (`rng` already forked for the topology).
 */
export interface ScheduleFamily {
  readonly type: 'schedule';
  readonly kind: string;
  readonly random: boolean;
  readonly schema: KindOptionsSchema;
  build(value: unknown, path: string, rng: Rng): MixingSchedule;
}

/** Either plug-in family of `algorithm.topology`. */
export type TopologyFamily = GraphFamily | ScheduleFamily;

/** `nodes` as most kinds take it: an integer of at least `min`. */
export function nodesAtLeast(min: number) {
  return z.number().int().min(min);
}

/** `maxTries` of the random families: draws before giving up on a connected graph (default 100). */
export const maxTries = z.number().int().positive().default(100);

/** A deterministic family whose only option is `nodes` (at least `min`), built by `build(nodes)`. */
export function nodesOnlyFamily(kind: string, min: number, build: (nodes: number) => Graph): GraphFamily {
  const schema = z.strictObject({ kind: z.literal(kind), nodes: nodesAtLeast(min) });
  return {
    type: 'graph',
    kind,
    random: false,
    schema,
    build: (value, path) => build(parseSpec(schema, value, path).nodes),
  };
}
