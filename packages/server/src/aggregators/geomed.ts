import { robustKernelsOf } from '@starling/core';
import { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { robustAggregator } from './robust-aggregator.js';
import { type WeiszfeldOptions, weiszfeld } from './weiszfeld.js';

/**
 * Geometric median by smoothed Weiszfeld (RFA: Pillutla, Kakade, Harchaoui 2022, "Robust Aggregation for
 * Federated Learning"), unweighted: approximately argmin_z Σ_k ‖Δ_k − z‖₂. Unlike RFA, which starts at the
 * mean, the iteration starts at the coordinate-wise median (`RobustKernels.coordinateMedian`): since each
 * step does not increase the objective, the result then stays within a bounded distance of the honest
 * updates whatever the magnitude of f < n/2 Byzantine ones, even after a few steps (breakdown point 1/2,
 * see docs/robustness.md). The result is rounded once from float64 to float32.
 * @param bucketing bucket size s, or undefined
 */
export function geomedAggregator(options: WeiszfeldOptions, bucketing?: number): Aggregator {
  return robustAggregator({
    kind: 'geomed',
    bucketing,
    rule: (vectors, out, ctx) => {
      robustKernelsOf(ctx.kernels).coordinateMedian(vectors, out);
      const z = Float64Array.from(out);
      weiszfeld(vectors, z, options);
      out.set(z);
    },
    clientDpRefusal:
      'the geometric median is not a sum of clipped updates: one client can move it by up to 2S, D times the S that the noise z·S/D covers',
  });
}

/** `{ kind: geomed, iterations = 10, nu = 1e-6, tolerance = 1e-6, bucketing? }`. */
export const geomedSchema = z
  .object({
    kind: z.literal('geomed'),
    iterations: z.number().int().min(1).max(10_000).default(10),
    nu: z.number().positive().finite().default(1e-6),
    tolerance: z.number().min(0).finite().default(1e-6),
    bucketing: bucketingOption,
  })
  .strict();

/** The `geomed` row of the aggregator table. */
export const GEOMED_KIND: AggregatorKind<z.infer<typeof geomedSchema>> = {
  kind: 'geomed',
  summary:
    'geometric median by smoothed Weiszfeld from the coordinate-wise median, unweighted (RFA, Pillutla et al. 2022)',
  schema: geomedSchema,
  create: ({ iterations, nu, tolerance, bucketing }) => geomedAggregator({ iterations, nu, tolerance }, bucketing),
};
