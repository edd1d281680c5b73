import { robustKernelsOf } from '@starling/core';
import { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { bucketingOption } from './bucketing.js';
import { krumScores, lowestScores } from './krum-scores.js';
import { robustAggregator } from './robust-aggregator.js';

/**
 * Krum (Blanchard, El Mhamdi, Guerraoui, Stainer 2017, "Machine Learning with Adversaries: Byzantine
 * Tolerant Gradient Descent"): returns the one update whose n − f − 2 nearest neighbours (squared L2) are
 * closest, unweighted; equal scores go to the lowest input index. The guarantee needs n ≥ 2f + 3 inputs;
 * with fewer replies Krum still picks, with the neighbour count clamped to ≥ 1 (see `krumNeighbours`).
 * @param f the number of Byzantine inputs assumed among the n of a round (with bucketing: spoiled buckets)
 * @param bucketing bucket size s, or undefined
 */
export function krumAggregator(f: number, bucketing?: number): Aggregator {
  return robustAggregator({
    kind: 'krum',
    bucketing,
    rule: (vectors, out, ctx) => {
      const [pick] = lowestScores(krumScores(vectors, f, robustKernelsOf(ctx.kernels)), 1);
      out.set(vectors[pick]);
    },
    clientDpRefusal:
      'Krum returns one client’s update, so adding or removing one client can switch the pick (a move of up to 2S, D times what the noise z·S/D covers)',
  });
}

/** `{ kind: krum, f, bucketing? }`: f is required (there is no safe default for the attacker count). */
export const krumSchema = z
  .object({ kind: z.literal('krum'), f: z.number().int().min(0), bucketing: bucketingOption })
  .strict();

/** The `krum` row of the aggregator table. */
export const KRUM_KIND: AggregatorKind<z.infer<typeof krumSchema>> = {
  kind: 'krum',
  summary: 'the update closest to its n − f − 2 nearest neighbours (Blanchard et al. 2017)',
  schema: krumSchema,
  create: (spec) => krumAggregator(spec.f, spec.bucketing),
};
