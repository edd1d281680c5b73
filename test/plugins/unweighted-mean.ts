/**
 * An aggregator kind that is not built in, written the way a new kind is: one file with its schema and
 * factory, registered into the server's `aggregators` table. `unweighted-mean`: out = (1/n) Σ_k Δ_k over
 * the n updates of the round, ignoring sample counts (the "each client counts once" mean). Quorum
 * `plan`: the round machine applies `algorithm.minCompletion` first.
 */
import { type AggregatorKind, aggregators } from '@starling/server';
import { z } from 'zod';

const schema = z.strictObject({ kind: z.literal('unweighted-mean') });

/** The `unweighted-mean` entry. */
export const unweightedMean: AggregatorKind<z.output<typeof schema>> = {
  kind: 'unweighted-mean',
  summary: 'the plain mean of the updates, every client weighted 1/n (test plug-in)',
  schema,
  create: () => ({
    kind: 'unweighted-mean',
    quorum: 'plan',
    aggregate(updates, _weights, out, ctx) {
      if (updates.length === 0) return false;
      const w = new Float64Array(updates.length).fill(1 / updates.length);
      ctx.kernels.weightedSum(
        w,
        updates.map((u) => u.delta),
        out,
      );
      return true;
    },
  }),
};

aggregators.register(unweightedMean);
