import { errors, Rng } from '@starling/core';
import type { Graph } from './graph.js';
import type { MixingMatrix } from './mixing/mixing-matrix.js';
import { mixingWeights, type WeightKind } from './mixing/weights.js';
import { checkKeys, intOption } from './options.js';
import { GRAPH_KINDS, type GraphSpec, isRandomGraphKind, makeGraph } from './registry.js';
import { onePeerExponentialSchedule } from './schedules/one-peer-exponential.js';
import { randomMatchingSchedule } from './schedules/random-matching.js';
import {
  lazySchedule,
  type MixingSchedule,
  scheduleMatrices,
  staticSchedule,
  unionGraph,
} from './schedules/schedule.js';
import type { SpectralMethod } from './spectral/lambda2.js';

/** The names of the time-varying schedules. */
export type ScheduleKind = 'one_peer_exponential' | 'random_matching';
/** Every time-varying schedule name. */
export const SCHEDULE_KINDS: readonly ScheduleKind[] = ['one_peer_exponential', 'random_matching'];
/** Every name `buildTopology` accepts: the static graph families, then the schedules. */
export const TOPOLOGY_KINDS: readonly string[] = [...GRAPH_KINDS, ...SCHEDULE_KINDS];

/**
 * What `starling topology inspect` (and an experiment's `topology` section) can ask for: a graph family
 * or schedule by `kind` (hyphens are read as underscores), its options, and how to weight it.
 */
export interface TopologyOptions {
  readonly kind: string;
  readonly nodes?: number;
  readonly rows?: number;
  readonly cols?: number;
  readonly degree?: number;
  readonly p?: number;
  readonly k?: number;
  readonly beta?: number;
  readonly maxTries?: number;
  readonly file?: string;
  readonly text?: string;
  /** Weight rule for static graphs (default `metropolis`); schedules have fixed weights and refuse it. */
  readonly weights?: WeightKind;
  /** Use (I + W)/2 (for schedules: every W_t). Default false. */
  readonly lazy?: boolean;
  /** Seed of random graphs and random matchings (default 0); ignored by deterministic kinds. */
  readonly seed?: number;
  /** Eigen-solver choice for the report (default `auto`). */
  readonly method?: SpectralMethod;
  /** For `random_matching`: how many rounds' product to analyse (default ⌈log2 n⌉). */
  readonly window?: number;
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

const META = ['kind', 'weights', 'lazy', 'seed', 'method', 'window'];

/** Builds the graph and mixing schedule that `options` name, validating every option. */
export function buildTopology(options: TopologyOptions): Topology {
  const kind = String(options.kind).replace(/-/g, '_');
  const lazy = options.lazy === true;
  const spec: Record<string, unknown> = { kind };
  for (const [key, value] of Object.entries(options)) if (!META.includes(key) && value !== undefined) spec[key] = value;
  if ((SCHEDULE_KINDS as readonly string[]).includes(kind)) {
    if (options.weights !== undefined) {
      throw errors.option(
        'topology.weights',
        `absent for ${kind} (its weights are fixed: ½ self, ½ peer)`,
        options.weights,
      );
    }
    checkKeys('topology', spec, kind, ['nodes']);
    const n = intOption('topology.nodes', options.nodes, 2);
    const seed = kind === 'random_matching' ? (options.seed ?? 0) : null;
    let schedule =
      kind === 'one_peer_exponential'
        ? onePeerExponentialSchedule(n)
        : randomMatchingSchedule({ nodes: n }, Rng.fromSeed(seed ?? 0).fork('topology'));
    if (lazy) schedule = lazySchedule(schedule);
    const defaultWindow = Math.max(1, Math.ceil(Math.log2(n) - 1e-12));
    const rounds = schedule.period ?? intOption('topology.window', options.window ?? defaultWindow, 1);
    if (schedule.period !== undefined && options.window !== undefined) {
      throw errors.option(
        'topology.window',
        `absent for ${kind} (it is periodic with period ${schedule.period})`,
        options.window,
      );
    }
    const graph = unionGraph(scheduleMatrices(schedule, rounds));
    return { kind, graph, mixing: undefined, schedule, rounds, weights: 'fixed', lazy, seed };
  }
  if (options.window !== undefined)
    throw errors.option('topology.window', `absent for the static graph ${kind}`, options.window);
  const seed = isRandomGraphKind(kind) ? (options.seed ?? 0) : null;
  if (!(GRAPH_KINDS as readonly string[]).includes(kind))
    throw errors.unknownKind('topology.kind', kind, TOPOLOGY_KINDS);
  const graph = makeGraph(spec as unknown as GraphSpec, seed === null ? undefined : Rng.fromSeed(seed));
  const weights = options.weights ?? 'metropolis';
  const mixing = mixingWeights(graph, weights, { lazy });
  return { kind, graph, mixing, schedule: staticSchedule(mixing, kind), rounds: 1, weights, lazy, seed };
}
