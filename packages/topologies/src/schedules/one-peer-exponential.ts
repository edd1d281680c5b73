import type { MixingMatrix, MixingRow } from '../mixing/mixing-matrix.js';
import { intOption } from '../options.js';
import { checkRound, type MixingSchedule } from './schedule.js';

/**
 * The one-peer exponential graph (Assran et al. 2019, "Stochastic Gradient Push"; analysed by Ying et al.
 * 2021, "Exponential Graph is Provably Efficient for Decentralized Deep Training"). With
 * τ = ⌈log2 n⌉ and hop h_t = 2^(t mod τ), at round t node i sends its value to (i + h_t) mod n and
 * receives from (i − h_t) mod n, then keeps the average of the two:
 *
 *   x_i ← ½ x_i + ½ x_{(i − h_t) mod n},   i.e. W_t = (I + P_t)/2,
 *
 * with P_t the cyclic shift by h_t ((P_t)_{i, i−h_t} = 1). W_t is doubly stochastic but not symmetric;
 * every node sends and receives exactly one message per round. When n = 2^τ the product over one period
 * is exactly J/n = (1/n)11ᵀ: Π_k (I + S^(2^k))/2 = (1/n) Σ_{m<n} S^m by the binary expansion of m, and
 * every weight is a power of two, so float64 gives the average exactly after τ rounds. For other n it
 * is not exact, but mixes fast.
 */
export function onePeerExponentialSchedule(nodes: number): MixingSchedule {
  const n = intOption('topology.nodes', nodes, 2);
  const tau = Math.ceil(Math.log2(n) - 1e-12);
  const cache = new Map<number, MixingMatrix>();
  const matrixFor = (hop: number): MixingMatrix => {
    let w = cache.get(hop);
    if (w === undefined) {
      const rows: MixingRow[] = Array.from({ length: n }, (_, i) => ({
        self: 0.5,
        neighbors: [{ node: (i - hop + n) % n, weight: 0.5 }],
      }));
      w = { n, rows };
      cache.set(hop, w);
    }
    return w;
  };
  return {
    kind: 'one_peer_exponential',
    n,
    period: tau,
    at: (round) => matrixFor(2 ** (checkRound(round) % tau)),
  };
}
