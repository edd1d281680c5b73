import { z } from 'zod';
import type { Rng } from '../../rng/rng.js';
import { apportion, raiseToMinimum } from './apportion.js';
import { splitBySizes } from './iid.js';
import { checkPerClient, partitionKind } from './partition-kind.js';

/**
 * Log-normal quantity skew: client sizes proportional to `exp(sigma · z_c)`, `z_c ~ N(0, 1)` (so
 * `log` size has standard deviation `sigma`), turned into integer counts by largest remainder and
 * raised to at least `minSize` by moving examples from the largest client (ties to the lower id);
 * the examples themselves are assigned IID (a seeded permutation cut into runs of those sizes).
 * `sigma = 0` is the IID partition. The unbalanced setting of Acar et al. (2021), "Federated Learning
 * Based on Dynamic Regularization" (ICLR; FedDyn), which draws client sizes from a log-normal law.
 *
 * Streams: `sizes`, `assign`. Needs `n ≥ minSize · clients`.
 */
export function partitionLognormal(n: number, clients: number, sigma: number, minSize: number, rng: Rng): Int32Array[] {
  const sizes = rng.fork('sizes');
  const weights = Float64Array.from({ length: clients }, () => Math.exp(sigma * sizes.normal()));
  const counts = raiseToMinimum(apportion(weights, n), minSize);
  return splitBySizes(n, counts, rng.fork('assign'));
}

/** `lognormal`: client sizes ∝ LogNormal(0, sigma²), examples assigned IID; `minSize` default 1. */
export const lognormalPartition = partitionKind({
  kind: 'lognormal',
  schema: z.strictObject({
    kind: z.literal('lognormal'),
    sigma: z.number().nonnegative(),
    minSize: z.number().int().nonnegative().default(1),
  }),
  split: ({ sigma, minSize }, input) => {
    checkPerClient(input, 'minSize', minSize);
    return partitionLognormal(input.labels.length, input.clients, sigma, minSize, input.rng);
  },
});
