import type { Rng } from '@starling/core';
import { edgePairs, type Graph } from '../graph.js';
import type { MixingMatrix, MixingRow } from '../mixing/mixing-matrix.js';
import { intOption } from '../options.js';
import { checkRound, type MixingSchedule } from './schedule.js';

/**
 * Pairwise gossip over a fresh random matching every round (Boyd, Ghosh, Prabhakar & Shah 2006,
 * "Randomized gossip algorithms", synchronous variant). Matched nodes i, j both take (x_i + x_j)/2;
 * an unmatched node keeps its value: W_t = I − Σ_{(i,j) matched} (e_i − e_j)(e_i − e_j)ᵀ/2, symmetric
 * and doubly stochastic. Without a base graph the matching pairs up a uniform random permutation of all
 * nodes (⌊n/2⌋ pairs); with one, a random maximal matching of its edges (edges shuffled, taken greedily).
 * Round t draws from `rng.fork('matching', t)` only, so any round can be replayed alone.
 */
export function randomMatchingSchedule(options: { nodes: number } | { graph: Graph }, rng: Rng): MixingSchedule {
  const graph = 'graph' in options ? options.graph : undefined;
  const n = graph ? graph.n : intOption('topology.nodes', (options as { nodes: number }).nodes, 2);
  const edges = graph ? edgePairs(graph) : undefined;
  const at = (round: number): MixingMatrix => {
    const r = rng.fork('matching', checkRound(round));
    const partner = new Int32Array(n).fill(-1);
    if (edges === undefined) {
      const perm = r.permutation(n);
      for (let k = 0; k + 1 < n; k += 2) {
        partner[perm[k]] = perm[k + 1];
        partner[perm[k + 1]] = perm[k];
      }
    } else {
      for (const e of r.permutation(edges.length / 2)) {
        const i = edges[2 * e];
        const j = edges[2 * e + 1];
        if (partner[i] < 0 && partner[j] < 0) {
          partner[i] = j;
          partner[j] = i;
        }
      }
    }
    const rows: MixingRow[] = Array.from(partner, (j) =>
      j < 0 ? { self: 1, neighbors: [] } : { self: 0.5, neighbors: [{ node: j, weight: 0.5 }] },
    );
    return { n, rows };
  };
  return { kind: 'random_matching', n, period: undefined, at };
}
