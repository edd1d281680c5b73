import type { MixingRow } from '@starling/topologies';
import type { MixTerm } from './combine.js';
import { gossipMean } from './gossip-aggregator-table.js';
import type { GossipPeerOptions } from './gossip-peer-options.js';

/** A round's mix at one peer: the new x (before a `cta` Δ is added), and who was mixed in or left out. */
export interface MixedRound {
  readonly next: Float32Array;
  /** In-neighbours whose value (or current CHOCO copy) was mixed in, in row order. */
  readonly heard: number[];
  /** In-neighbours left out (silent at the deadline, lost, or their CHOCO copy not current). */
  readonly dropped: number[];
}

/**
 * Ends round `round` at peer `o.node`: mixes its own `value` (weight `row.self`) with the in-neighbours'
 * values in `got` (row order = node-id order), renormalizing the weights over those present when some
 * are left out. Plain gossip combines with `o.combine` (default `gossipMean`: Σ_j W_ij x_j); CHOCO-SGD
 * advances the copies to `round` and takes x_i ← v_i + γ Σ_j W_ij (x̂_j − x̂_i) over the current copies.
 */
export function mixRound(
  o: GossipPeerOptions,
  row: MixingRow,
  round: number,
  value: Float32Array,
  got: ReadonlyMap<number, Float32Array | Uint8Array>,
): MixedRound {
  const terms: MixTerm[] = [{ node: o.node, weight: row.self, value }];
  const heard: number[] = [];
  const dropped: number[] = [];
  const copies = o.choco?.copies;
  copies?.advance(round);
  for (const e of row.neighbors) {
    if (e.weight === 0) continue;
    const v = got.get(e.node);
    if (copies ? copies.isCurrent(e.node, round) : v instanceof Float32Array) {
      terms.push({ node: e.node, weight: e.weight, value: v as Float32Array });
      heard.push(e.node);
    } else dropped.push(e.node);
  }
  let next: Float32Array = new Float32Array(value.length);
  if (o.choco && copies) {
    const total = dropped.length > 0 ? terms.reduce((s, t) => s + t.weight, 0) : 1;
    const weights = terms.slice(1).map((t) => t.weight / total);
    next = copies.step(value, o.choco.gamma, heard, weights);
  } else (o.combine ?? gossipMean).combine(o.kernels, o.node, terms, dropped.length > 0, next);
  return { next, heard, dropped };
}
