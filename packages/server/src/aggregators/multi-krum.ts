import { robustKernelsOf } from '@starling/core';
import { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { krumScores, lowestScores } from './krum-scores.js';
import { robustAggregator } from './robust-aggregator.js';

/** How many updates Multi-Krum averages out of n: m when given, else n − f; clamped to [1, n]. */
export function multiKrumCount(n: number, f: number, m: number | undefined): number {
  return Math.min(n, Math.max(1, m ?? n - f));
}

/**
 * Multi-Krum (Blanchard, El Mhamdi, Guerraoui, Stainer 2017, section 5): the unweighted mean of the m
 * updates with the lowest Krum scores (`krumScores`), summed by `kernels.weightedSum` with weights 1/m in
 * increasing score order (ties: input order). m = 1 is Krum; m = n (f = 0) is the unweighted mean.
 * @param f the number of Byzantine inputs assumed per round
 * @param m the number averaged (default n − f of the round's n inputs)
 * @param bucketing bucket size s, or undefined
 */
export function multiKrumAggregator(f: number, m?: number, bucketing?: number): Aggregator {
  return robustAggregator({
    kind: 'multi_krum',
    bucketing,
    rule: (vectors, out, ctx) => {
      const count = multiKrumCount(vectors.length, f, m);
      const picks = lowestScores(krumScores(vectors, f, robustKernelsOf(ctx.kernels)), count);
      ctx.kernels.weightedSum(
        new Float64Array(count).fill(1 / count),
        picks.map((i) => vectors[i]),
        out,
      );
    },
    clientDpRefusal:
      'Multi-Krum’s selection depends on every client, so one client can swap which updates are averaged (a move of up to 2S per swap, more than the S that the noise z·S/D covers)',
  });
}

/** `{ kind: multi_krum, f, m?, bucketing? }`. */
export const multiKrumSchema = z
  .object({
    kind: z.literal('multi_krum'),
    f: z.number().int().min(0),
    m: z.number().int().min(1).optional(),
    bucketing: bucketingOption,
  })
  .strict();

/** The `multi_krum` row of the aggregator table. */
export const MULTI_KRUM_KIND: AggregatorKind<z.infer<typeof multiKrumSchema>> = {
  kind: 'multi_krum',
  summary: 'mean of the m updates with the best Krum scores (default m = n − f; Blanchard et al. 2017)',
  schema: multiKrumSchema,
  create: (spec) => multiKrumAggregator(spec.f, spec.m, spec.bucketing),
};
