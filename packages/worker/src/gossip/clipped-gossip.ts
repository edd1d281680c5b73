import { errors, type Kernels } from '@starling/core';
import { z } from 'zod';
import { type MixTerm, mix } from './combine.js';
import type { GossipCombine } from './gossip-combine.js';

/**
 * Self-centered clipping, "clipped gossip" (He, Karimireddy, Jaggi 2022, "Byzantine-robust
 * decentralized learning via ClippedGossip", Algorithm 1): peer i with value v_i sets
 * x_i ← Σ_j W_ij (v_i + CLIP(v_j − v_i, τ)), CLIP(z, τ) = z · min(1, τ/‖z‖₂). A neighbour's term is
 * written as y_j = v_j when ‖v_j − v_i‖ ≤ τ and y_j = v_i + (τ/‖v_j − v_i‖)(v_j − v_i) otherwise, and the
 * y_j are mixed exactly as plain gossip mixes values (`mix`, node-id order): Σ_j W_ij y_j is the
 * formula above since Σ_j W_ij = 1, and with no neighbour farther than τ (e.g. τ = +∞) the result is
 * plain gossip's to the bit. Bound: ‖x_i − v_i‖ ≤ τ·Σ_{j≠i} W_ij, and one neighbour j moves x_i by at
 * most 2·τ·W_ij whatever it sends (up to float32 rounding). Distances are `kernels.sumSquares` of the
 * float32 difference `kernels.sub(v_j, v_i)`; the clipped term is `kernels.axpy` on a copy of v_i.
 * @param tau the clipping radius τ > 0, in parameter units (L2); +∞ is plain gossip
 */
export function clippedGossip(tau: number): GossipCombine {
  if (!(tau > 0)) throw errors.option('algorithm.aggregator.tau', 'a number > 0', tau);
  let diff = new Float32Array(0);
  return {
    kind: 'clipped_gossip',
    combine(kernels: Kernels, self: number, terms: readonly MixTerm[], renormalize: boolean, out: Float32Array) {
      const own = terms.find((t) => t.node === self);
      if (!own) throw errors.runtime(`clipped gossip: peer ${self}'s own value is not among the terms`);
      const v = own.value;
      if (diff.length !== v.length) diff = new Float32Array(v.length);
      const clipped = terms.map((t): MixTerm => {
        if (t.node === self) return t;
        kernels.sub(t.value, v, diff);
        const norm = Math.sqrt(kernels.sumSquares(diff));
        if (norm <= tau) return t;
        const y = v.slice();
        kernels.axpy(tau / norm, diff, y);
        return { node: t.node, weight: t.weight, value: y };
      });
      mix(kernels, clipped, renormalize, out);
    },
  };
}

/** `{ kind: clipped_gossip, tau }`: τ > 0 (L2, parameter units). */
export const clippedGossipSchema = z.strictObject({ kind: z.literal('clipped_gossip'), tau: z.number().positive() });
