import { errors, parseSpec, Rng } from '@starling/core';
import type { Graph } from './graph.js';
import { type TopologySpec, topologyKinds, topologySpecSchema } from './kinds/topology-table.js';
import type { MixingMatrix } from './mixing/mixing-matrix.js';
import { mixingWeights, type WeightKind } from './mixing/weights.js';
import { intOption } from './options.js';
import { underPath } from './registry.js';
import {
  lazySchedule,
  type MixingSchedule,
  scheduleMatrices,
  staticSchedule,
  unionGraph,
} from './schedules/schedule.js';
import type { SpectralMethod } from './spectral/lambda2.js';

/**
 * What `starling topology inspect` (and an experiment's `topology` section, with `nodes` = the peers)
 * can ask for: a graph family or schedule by `kind` (hyphens are read as underscores), its options
 * (each kind's schema in kinds/ lists them), how to weight it, and for the report `method` and `window`.
 */
export interface TopologyOptions {
  readonly kind: string;
  readonly nodes?: number;
  /** Weight rule for static graphs (default `metropolis`); schedules have fixed weights and refuse it. */
  readonly weights?: WeightKind;
  /** Use (I + W)/2 (for schedules: every W_t). Default false. */
  readonly lazy?: boolean;
  /** Seed of random graphs and random matchings (default 0); ignored by deterministic kinds. */
  readonly seed?: number;
  /** Eigen-solver choice for the report (default `auto`). */
  readonly method?: SpectralMethod;
  /** For non-periodic schedules: how many rounds' product to analyse (default ⌈log2 n⌉). */
  readonly window?: number;
  /** The kind's own options (`rows`, `degree`, `p`, `file`, ...). */
  readonly [option: string]: unknown;
}

/** A built topology: the static graph (or a schedule's union graph) and its mixing schedule. */
export interface Topology {
  readonly kind: string;
  /** The static graph; for a schedule, the union of the links used over `rounds` rounds. */
  readonly graph: Graph;
  /** The static W, or undefined for time-varying schedules. */
  readonly mixing: MixingMatrix | undefined;
  /** W_t by round (a static W is a schedule of period 1). */
  readonly schedule: MixingSchedule;
  /** The rounds whose product the spectral analysis covers: 1, the period, or the window. */
  readonly rounds: number;
  readonly weights: WeightKind | 'fixed';
  readonly lazy: boolean;
  /** The seed used, or null for deterministic kinds. */
  readonly seed: number | null;
}

/**
 * Builds the graph and mixing schedule that `options` name, validating every option with the kind's
 * schema; errors name the option under `path` (`algorithm.topology.p must be <= 1, got 1.5`).
 */
export function buildTopology(options: TopologyOptions, path = 'topology'): Topology {
  const { method: _method, window, ...rest } = options;
  const spec = parseSpec(topologySpecSchema, { ...rest, kind: String(options.kind).replace(/-/g, '_') }, path);
  return underPath(path, () => buildSpec(spec, window, path));
}

function buildSpec(spec: TopologySpec, window: number | undefined, path: string): Topology {
  const { lazy, seed: drawn, weights, ...own } = spec;
  const kind = String(spec.kind);
  const family = topologyKinds.require(kind, `${path}.kind`).family;
  const rng = Rng.fromSeed(drawn).fork('topology');
  const seed = family.random ? drawn : null;
  if (family.type === 'graph') {
    if (window !== undefined) throw errors.option(`${path}.window`, `absent for the static graph ${kind}`, window);
    const graph = family.build(own, path, rng);
    const rule = weights ?? 'metropolis'; // always filled for graphs by their schema
    const mixing = mixingWeights(graph, rule, { lazy });
    return { kind, graph, mixing, schedule: staticSchedule(mixing, kind), rounds: 1, weights: rule, lazy, seed };
  }
  let schedule = family.build(own, path, rng);
  if (lazy) schedule = lazySchedule(schedule);
  if (schedule.period !== undefined && window !== undefined) {
    throw errors.option(`${path}.window`, `absent for ${kind} (it is periodic with period ${schedule.period})`, window);
  }
  const defaultWindow = Math.max(1, Math.ceil(Math.log2(schedule.n) - 1e-12));
  const rounds = schedule.period ?? intOption(`${path}.window`, window ?? defaultWindow, 1);
  const graph = unionGraph(scheduleMatrices(schedule, rounds));
  return { kind, graph, mixing: undefined, schedule, rounds, weights: 'fixed', lazy, seed };
}
