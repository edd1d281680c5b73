import { robustKernelsOf } from '@starling/core';
import { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { robustAggregator } from './robust-aggregator.js';

/** The number of values trimmed at each end of a coordinate for n inputs: ⌊β·n⌋ (so 2·trim < n for β < 0.5). */
export function trimCount(beta: number, n: number): number {
  return Math.floor(beta * n);
}

/**
 * Coordinate-wise trimmed mean (Yin, Chen, Ramchandran, Bartlett 2018): for every coordinate, sort the n
 * values, drop the ⌊β·n⌋ smallest and the ⌊β·n⌋ largest and average the rest, unweighted
 * (`RobustKernels.trimmedMean`). Tolerates f ≤ ⌊β·n⌋ Byzantine updates: every coordinate stays within the
 * honest updates' range. β = 0 is the unweighted mean.
 * @param beta the fraction trimmed at each end, 0 ≤ β < 0.5
 * @param bucketing bucket size s, or undefined
 */
export function trimmedMeanAggregator(beta: number, bucketing?: number): Aggregator {
  return robustAggregator({
    kind: 'trimmed_mean',
    bucketing,
    rule: (vectors, out, ctx) =>
      robustKernelsOf(ctx.kernels).trimmedMean(vectors, trimCount(beta, vectors.length), out),
    clientDpRefusal:
      'the trimmed mean is not a sum of clipped updates: which values are trimmed depends on every client, so one client can move it by more than the S that the noise z·S/D is calibrated for',
  });
}

/** `{ kind: trimmed_mean, beta = 0.1, bucketing? }`. */
export const trimmedMeanSchema = z
  .object({ kind: z.literal('trimmed_mean'), beta: z.number().min(0).lt(0.5).default(0.1), bucketing: bucketingOption })
  .strict();

/** The `trimmed_mean` row of the aggregator table. */
export const TRIMMED_MEAN_KIND: AggregatorKind<z.infer<typeof trimmedMeanSchema>> = {
  kind: 'trimmed_mean',
  summary: 'coordinate-wise mean after trimming the ⌊β·n⌋ lowest and highest values, unweighted (Yin et al. 2018)',
  schema: trimmedMeanSchema,
  create: (spec) => trimmedMeanAggregator(spec.beta, spec.bucketing),
};
