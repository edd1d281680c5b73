import { addNoise, type ClientRelease, clipToNorm, errors, finiteL2Norm } from '@starling/core';
import type { AggregationContext, Aggregator, AggregatorUpdate } from './aggregator.js';

/** The slice of a run's privacy ledger that `withClientDp` uses (`RunPrivacy` in @starling/core has it). */
export interface ClientDpLedger {
  /** Decides and charges round `round` (see `RunPrivacy.clientRelease`); null releases nothing. */
  clientRelease(round: number, sampled: number, replied: number): ClientRelease | null;
}

/**
 * Relative slack on the clip norm before the server clips again: a node's `clipToNorm` leaves
 * ‖Δ‖ ≤ S·(1 + 1e-6) after float32 rounding, and re-clipping such an update would move model bits.
 */
export const CLIP_SLACK = 1e-6;

/** Δ if its norm is within S·(1 + CLIP_SLACK), else a copy clipped to S (the runtime's buffer is kept). */
function bounded(u: AggregatorUpdate, clipNorm: number): AggregatorUpdate {
  if (finiteL2Norm(u.delta, `update of node ${u.node}`) <= clipNorm * (1 + CLIP_SLACK)) return u;
  const delta = Float32Array.from(u.delta);
  clipToNorm(delta, clipNorm);
  return { node: u.node, samples: u.samples, delta };
}

/**
 * Client-level differential privacy around an aggregator (DP-FedAvg, McMahan, Ramage, Talwar, Zhang
 * 2018, "Learning Differentially Private Recurrent Language Models", the fixed-denominator estimator
 * f̃_f with unit weights). Each round it asks `ledger` what may be released (the ledger applies
 * `privacy.onShortfall` and the ε budget, and charges the accountant), then writes
 *
 *     out = (A(Δ_1..Δ_m; unit weights) + N(0, std²·I)) / D,   A = Σ_k Δ_k for a `unit-sum` inner,
 *
 * in exactly that order (inner sum by `kernels.weightedSum` in node-id order, noise from the ledger's
 * round stream, then `kernels.scale(1/D)`), so around `mean` it gives the bits of `noisyMeanOfClipped`.
 * With no replies the sum is 0 and the round releases pure noise. The node clips its update to S before
 * sending; the server clips again any update whose norm exceeds S·(1 + CLIP_SLACK) (e.g. one expanded
 * by an unbiased quantizer on the uplink, or a client that did not clip), so the bound below holds for
 * what is aggregated. The decorator's quorum is `own`: it replaces `minCompletion` and ignores the
 * capped sample weights (DP-FedAvg weighs clients equally). The weights argument is unused.
 *
 * Sensitivity. The accountant charges the Poisson-subsampled Gaussian at multiplier z, which is sound
 * when adding or removing one client moves the released statistic by at most Δ₂ in L2 and the noise
 * std is z·Δ₂. For a `unit-sum` inner A = Σ_k Δ_k with ‖Δ_k‖ ≤ S, Δ₂ = S and std = z·S (the ledger's
 * std); dividing by the fixed D, which does not depend on who took part, is post-processing. Composing
 * with a non-linear inner aggregator (coordinate-wise median, trimmed mean, Krum, ...) needs that
 * aggregator's own bound Δ_A(S, m) = sup ‖A(U) − A(U ∪ {Δ})‖₂ over clipped sets, which differs from S
 * (Krum can switch its pick: up to 2S; a coordinate-wise median of m vectors in the S-ball moves each
 * coordinate by at most the gap between neighbouring order statistics) and may depend on m, which is
 * itself random under Poisson sampling; the noise must then be z·Δ_A added to A's output, without the
 * 1/D scaling meant for a sum. Until an aggregator declares such a bound (a new `ClientSensitivity`),
 * this decorator refuses it with a config error rather than release under-noised updates.
 * `norm_bound` is `unit-sum` too (each term of its sum has norm ≤ min(b, S)); every other robust kind
 * is refused with its `clientDpRefusal` as the reason (docs/robustness.md has the arguments).
 * @throws a `config` error when `inner.clientSensitivity` is not `unit-sum`
 */
export function withClientDp(inner: Aggregator, ledger: ClientDpLedger): Aggregator {
  if (inner.clientSensitivity !== 'unit-sum') {
    const why = inner.clientDpRefusal ?? 'no client-DP sensitivity bound is known for it';
    throw errors.option(
      'algorithm.aggregator.kind',
      `an aggregator with a known client-DP sensitivity (mean, norm_bound) under privacy.mode client (${inner.kind}: ${why})`,
      inner.kind,
    );
  }
  return {
    kind: `client-dp(${inner.kind})`,
    quorum: 'own',
    aggregate(
      updates: readonly AggregatorUpdate[],
      _weights: Float64Array,
      out: Float32Array,
      ctx: AggregationContext,
    ) {
      const release = ledger.clientRelease(ctx.round, ctx.selected.length, updates.length);
      if (release === null) return false;
      if (!(release.denominator > 0)) throw errors.option('denominator', 'a number > 0', release.denominator);
      if (updates.length === 0) out.fill(0);
      else {
        const clipped = updates.map((u) => bounded(u, release.clipNorm));
        const unit = new Float64Array(clipped.length).fill(1);
        if (!inner.aggregate(clipped, unit, out, ctx)) {
          throw errors.runtime(`aggregator ${inner.kind} released nothing after the privacy ledger was charged`);
        }
      }
      addNoise(out, release.std, release.noise, release.rng);
      ctx.kernels.scale(1 / release.denominator, out);
      return true;
    },
  };
}
