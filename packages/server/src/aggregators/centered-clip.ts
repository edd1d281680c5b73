import { errors } from '@starling/core';
import { z } from 'zod';
import type { Aggregator, AggregatorState } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { robustAggregator } from './robust-aggregator.js';
import { distancesTo } from './weiszfeld.js';

/** Options of centered clipping. */
export interface CenteredClipOptions {
  /** τ > 0: the clipping radius around the center, in the updates' L2 units. */
  readonly tau: number;
  /** L ≥ 1: clipping iterations per round. */
  readonly iterations: number;
  /** β in [0, 1): the center is the EMA m ← β·m + (1 − β)·v of the round results v (0: the last result). */
  readonly momentum: number;
}

/**
 * Centered clipping (Karimireddy, He, Jaggi 2021, "Learning from History for Byzantine Robust
 * Optimization", eq. 2), unweighted: from the center v₀ = m (the server's momentum, zero before the first
 * round) it repeats L times
 *     v ← v + (1/n) Σ_k clip_τ(Δ_k − v),   clip_τ(x) = x · min(1, τ/‖x‖₂),
 * in float64 (inputs in order), and returns v rounded to float32. Each iteration moves v by at most τ, and
 * f Byzantine inputs move it by at most 2fτ/n more than honest ones would. The server keeps
 * m ← β·m + (1 − β)·v (float32) as the next round's center: the "history" of the paper, kept at the
 * server because sampled clients have no momentum of their own (β = 0 is the reference implementation of
 * Karimireddy, He, Jaggi 2022, where the center is the previous aggregate). m is checkpointed (`state`),
 * so a resumed run continues on the same bits. m advances at every aggregate, also in a round the server
 * optimizer then refuses as non-finite.
 * @param bucketing bucket size s, or undefined (Karimireddy et al. 2022 pair bucketing with this rule)
 */
export function centeredClipAggregator(options: CenteredClipOptions, bucketing?: number): Aggregator {
  const { tau, iterations, momentum } = options;
  let center: Float32Array | null = null;
  return robustAggregator({
    kind: 'centered_clip',
    bucketing,
    rule: (vectors, out) => {
      const n = vectors.length;
      if (center && center.length !== out.length) throw errors.shape('centered_clip center', out.length, center.length);
      const v = center ? Float64Array.from(center) : new Float64Array(out.length);
      const dist = new Float64Array(n);
      const step = new Float64Array(out.length);
      for (let l = 0; l < iterations; l++) {
        distancesTo(vectors, v, dist);
        step.fill(0);
        for (let k = 0; k < n; k++) {
          const x = vectors[k];
          const c = dist[k] > tau ? tau / dist[k] : 1;
          for (let i = 0; i < step.length; i++) step[i] += c * (x[i] - v[i]);
        }
        for (let i = 0; i < v.length; i++) v[i] += step[i] / n;
      }
      out.set(v);
      if (center === null) center = Float32Array.from(out);
      else for (let i = 0; i < center.length; i++) center[i] = momentum * center[i] + (1 - momentum) * out[i];
    },
    clientDpRefusal:
      'centered clipping moves with every client (up to 2τ/n per client and iteration) from a center that itself carries every earlier client, a bound the noise z·S/D of the sum does not cover',
    state: (): AggregatorState => ({ center: center ? center.slice() : null }),
    load: (state: AggregatorState) => {
      center = state.center ? state.center.slice() : null;
    },
  });
}

/** `{ kind: centered_clip, tau, iterations = 1, momentum = 0, bucketing? }`: tau is required (its scale is the updates'). */
export const centeredClipSchema = z
  .object({
    kind: z.literal('centered_clip'),
    tau: z.number().positive().finite(),
    iterations: z.number().int().min(1).max(1000).default(1),
    momentum: z.number().min(0).lt(1).default(0),
    bucketing: bucketingOption,
  })
  .strict();

/** The `centered_clip` row of the aggregator table. */
export const CENTERED_CLIP_KIND: AggregatorKind<z.infer<typeof centeredClipSchema>> = {
  kind: 'centered_clip',
  summary: 'clips the updates to τ around the server momentum and averages, L times (Karimireddy et al. 2021)',
  schema: centeredClipSchema,
  create: ({ tau, iterations, momentum, bucketing }) =>
    centeredClipAggregator({ tau, iterations, momentum }, bucketing),
};
