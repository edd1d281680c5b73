import { robustKernelsOf } from '@starling/core';
import { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { robustAggregator } from './robust-aggregator.js';

/**
 * Coordinate-wise median (Yin, Chen, Ramchandran, Bartlett 2018, "Byzantine-Robust Distributed Learning:
 * Towards Optimal Statistical Rates"): out[i] = median_k Δ_k[i] over the n updates, unweighted; for even n
 * the float64 midpoint of the two middle values, rounded once to float32 (`RobustKernels.coordinateMedian`).
 * With f < n/2 Byzantine updates every coordinate stays within the honest updates' range of that coordinate.
 * @param bucketing bucket size s (bucket means are aggregated), or undefined
 */
export function medianAggregator(bucketing?: number): Aggregator {
  return robustAggregator({
    kind: 'median',
    bucketing,
    rule: (vectors, out, ctx) => robustKernelsOf(ctx.kernels).coordinateMedian(vectors, out),
    clientDpRefusal:
      'the coordinate-wise median is not a sum of clipped updates, so the noise std z·S/D calibrated for the sum does not cover one client moving it (by up to 2√2·S, see docs/robustness.md)',
  });
}

/** `{ kind: median, bucketing? }`. */
export const medianSchema = z.object({ kind: z.literal('median'), bucketing: bucketingOption }).strict();

/** The `median` row of the aggregator table. */
export const MEDIAN_KIND: AggregatorKind<z.infer<typeof medianSchema>> = {
  kind: 'median',
  summary: 'coordinate-wise median of the updates, unweighted (Yin et al. 2018)',
  schema: medianSchema,
  create: (spec) => medianAggregator(spec.bucketing),
};
