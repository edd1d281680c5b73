import type { Kernels } from '@starling/core';
import type { MixTerm } from './combine.js';

/**
 * How a gossip peer combines its own value with its neighbours' at the end of a round (the
 * `algorithm.aggregator` of a dpsgd or consensus run; the table is gossip-aggregator-table.ts).
 * `terms` hold the peer's own value (node `self`) and every neighbour value heard this round, each with
 * its receive weight W_ij; with `renormalize` (some neighbour was left out) the weights present are
 * divided by their sum. Writes the new value to `out`, which must not alias a term's value. Results
 * depend on the terms' node ids, never on their order.
 */
export interface GossipCombine {
  readonly kind: string;
  combine(kernels: Kernels, self: number, terms: readonly MixTerm[], renormalize: boolean, out: Float32Array): void;
}
