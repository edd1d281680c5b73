import { KindTable } from '@starling/core';
import { z } from 'zod';
import { WEIGHT_KINDS } from '../mixing/weights.js';
import { completeFamily } from './complete.js';
import { edgeListFamily } from './edge-list.js';
import { erdosRenyiFamily } from './erdos-renyi.js';
import { exponentialFamily } from './exponential.js';
import { gridFamily } from './grid.js';
import { hypercubeFamily } from './hypercube.js';
import { onePeerExponentialFamily } from './one-peer-exponential.js';
import { randomMatchingFamily } from './random-matching.js';
import { randomRegularFamily } from './random-regular.js';
import { ringFamily } from './ring.js';
import { starFamily } from './star.js';
import type { GraphFamily, ScheduleFamily, TopologyFamily } from './topology-kind.js';
import { torusFamily } from './torus.js';
import { wattsStrogatzFamily } from './watts-strogatz.js';

/** The static graph families, in documentation order. Add a family: its file in kinds/ and one line here. */
const GRAPH_FAMILIES: readonly GraphFamily[] = [
  ringFamily,
  torusFamily,
  gridFamily,
  starFamily,
  completeFamily,
  hypercubeFamily,
  exponentialFamily,
  randomRegularFamily,
  erdosRenyiFamily,
  wattsStrogatzFamily,
  edgeListFamily,
];

/** The time-varying schedules. Add one: its file in kinds/ and one line here. */
const SCHEDULE_FAMILIES: readonly ScheduleFamily[] = [onePeerExponentialFamily, randomMatchingFamily];

const seed = z.number().int().nonnegative();
/** `lazy`: use (I + W)/2 (for schedules: every W_t). `seed`: of random kinds (a run defaults it to its seed). */
const shared = { lazy: z.boolean().default(false), seed: seed.default(0) };
/** `weights`: the rule that turns a static graph into W (schedules have fixed weights). */
const weights = { weights: z.enum(WEIGHT_KINDS).default('metropolis') };

function specSchema(family: TopologyFamily) {
  return family.schema.extend(family.type === 'graph' ? { ...shared, ...weights } : shared);
}

function sectionSchema(family: TopologyFamily) {
  const own = 'nodes' in family.schema.shape ? family.schema.omit({ nodes: true }) : family.schema;
  const common = { lazy: shared.lazy, seed: seed.optional() };
  return own.extend(family.type === 'graph' ? { ...common, ...weights } : common);
}

/** The keys every parsed spec has, typed; a kind's own options ride along. */
const specView = z.looseObject({
  kind: z.string(),
  lazy: z.boolean(),
  seed: z.number(),
  weights: z.enum(WEIGHT_KINDS).optional(),
});
const sectionView = specView.extend({ seed: z.number().optional() });

/** A parsed topology spec: a kind's options plus `lazy`, `seed` (and for graphs `weights`), defaults filled. */
export type TopologySpec = z.output<typeof specView>;
/** `algorithm.topology` of an experiment after parsing: a spec without `nodes` (the run's peers). */
export type TopologySection = z.output<typeof sectionView>;

/** One row of the topology table: the family and the two schemas derived from its options. */
export interface TopologyEntry {
  readonly kind: string;
  readonly family: TopologyFamily;
  readonly schema: z.ZodType<TopologySpec>;
  readonly section: z.ZodType<TopologySection>;
}

function entry(family: TopologyFamily): TopologyEntry {
  return {
    kind: family.kind,
    family,
    schema: specSchema(family).pipe(specView),
    section: sectionSchema(family).pipe(sectionView),
  };
}

/** Every topology kind `buildTopology` knows: the graph families, then the schedules. */
export const topologyKinds = new KindTable<TopologySpec, TopologyEntry>(
  'topology',
  [...GRAPH_FAMILIES, ...SCHEDULE_FAMILIES].map(entry),
);

/** Adds a graph family or schedule (e.g. from a plug-in or a test); its kind must be new. */
export function registerTopologyFamily(family: TopologyFamily): void {
  topologyKinds.register(entry(family));
}

/** A whole topology spec (`nodes` included), any registered kind; what `buildTopology` parses. */
export const topologySpecSchema = topologyKinds.schema;

/** The `algorithm.topology` section of an experiment: a topology spec without `nodes`. */
export const topologySectionSchema = topologyKinds.schemaOf((e) => e.section);
