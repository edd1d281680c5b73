import { errors } from '@starling/core';
import { type Graph, graphFromEdges } from '../graph.js';
import type { MixingMatrix } from '../mixing/mixing-matrix.js';
import { lazyMixing } from '../mixing/weights.js';

/**
 * A (possibly time-varying) sequence of mixing matrices, BlueFog style: `at(t)` gives every node's
 * receive weights for gossip round t ≥ 0, and round t performs x_{t+1} = W_t x_t. `at` is a pure
 * function of t (random schedules fork their Rng by round), so rounds may be asked for in any order.
 */
export interface MixingSchedule {
  /** The schedule's registry name, e.g. `one_peer_exponential`. */
  readonly kind: string;
  readonly n: number;
  /** Rounds after which the matrices repeat (1 for a static W); undefined for random schedules. */
  readonly period: number | undefined;
  at(round: number): MixingMatrix;
}

/** A static W as a schedule of period 1. */
export function staticSchedule(w: MixingMatrix, kind = 'static'): MixingSchedule {
  return { kind, n: w.n, period: 1, at: () => w };
}

/** The same schedule with every W_t replaced by its lazy version (I + W_t)/2. */
export function lazySchedule(schedule: MixingSchedule): MixingSchedule {
  return {
    kind: schedule.kind,
    n: schedule.n,
    period: schedule.period,
    at: (t) => lazyMixing(schedule.at(t)),
  };
}

/** W_from, W_from+1, …, W_from+steps−1 (apply in this order). */
export function scheduleMatrices(schedule: MixingSchedule, steps: number, from = 0): MixingMatrix[] {
  if (!Number.isInteger(steps) || steps < 1) throw errors.option('topology.steps', 'an integer ≥ 1', steps);
  if (!Number.isInteger(from) || from < 0) throw errors.option('topology.from', 'an integer ≥ 0', from);
  return Array.from({ length: steps }, (_, k) => schedule.at(from + k));
}

/** The undirected graph of every pair that exchanges a message in at least one of the given steps. */
export function unionGraph(matrices: readonly MixingMatrix[]): Graph {
  if (matrices.length === 0) throw errors.option('topology.steps', 'at least 1', 0);
  const pairs: number[] = [];
  for (const w of matrices) {
    w.rows.forEach((row, i) => {
      for (const e of row.neighbors) if (e.weight !== 0) pairs.push(i, e.node);
    });
  }
  return graphFromEdges(matrices[0].n, pairs);
}

/** Checks a round number: a non-negative safe integer. */
export function checkRound(round: number): number {
  if (!Number.isSafeInteger(round) || round < 0) throw errors.option('round', 'a non-negative integer', round);
  return round;
}
