import { z } from 'zod';
import type { Rng } from '../../rng/rng.js';
import { apportion, largest } from './apportion.js';
import { classCount } from './class-count.js';
import { sampleDirichlet } from './gamma.js';
import { checkPerClient, classLabels, partitionKind } from './partition-kind.js';

/**
 * Dirichlet label skew: for each class `k`, proportions `p_k ~ Dir(alpha · 1_K)` over the `K` clients
 * are drawn, and the class's examples (in a seeded random order) are split into contiguous runs of
 * sizes `apportion(p_k, n_k)` (largest remainder). Small alpha (0.1) gives each client few classes,
 * large alpha (100) approaches IID. This per-class form is the one of Yurochkin et al. (2019, PFNM)
 * and Wang et al. (2020, FedMA); Hsu, Qi and Brown (2019), "Measuring the Effects of Non-Identical
 * Data Distribution for Federated Visual Classification", draw per-client class mixtures from the
 * same Dirichlet family.
 *
 * No client is left with fewer than `minSize` examples: afterwards, each such client (in id order)
 * receives examples one at a time from the currently largest client (ties to the lower id), each a
 * seeded uniform pick among the donor's examples. Needs `n ≥ minSize · K`.
 *
 * Streams: `proportions`/k, `class`/k for the order within class k, `rebalance`.
 * Indices within a client are in increasing order.
 */
export function partitionDirichlet(
  labels: Int32Array,
  classes: number,
  clients: number,
  alpha: number,
  minSize: number,
  rng: Rng,
): Int32Array[] {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const owned: number[][] = Array.from({ length: clients }, () => []);
  for (let k = 0; k < classes; k++) {
    const members = rng.fork('class', k).shuffle(byClass[k]);
    const counts = apportion(sampleDirichlet(alpha, clients, rng.fork('proportions', k)), members.length);
    let at = 0;
    for (let c = 0; c < clients; c++) {
      for (let r = 0; r < counts[c]; r++) owned[c].push(members[at++]);
    }
  }
  const rebalance = rng.fork('rebalance');
  const sizes = owned.map((list) => list.length);
  for (let c = 0; c < clients; c++) {
    while (owned[c].length < minSize) {
      const donor = owned[largest(sizes)];
      const pick = rebalance.int(donor.length);
      owned[c].push(donor[pick]);
      donor[pick] = donor[donor.length - 1];
      donor.pop();
      sizes[largest(sizes)]--;
      sizes[c]++;
    }
  }
  return owned.map((list) => Int32Array.from(list).sort());
}

/** `dirichlet`: per-class proportions over clients from Dir(alpha); at least `minSize` (default 1) per client. */
export const dirichletPartition = partitionKind({
  kind: 'dirichlet',
  schema: z.strictObject({
    kind: z.literal('dirichlet'),
    alpha: z.number().positive(),
    minSize: z.number().int().nonnegative().default(1),
  }),
  split: ({ alpha, minSize }, input) => {
    const y = classLabels(input, 'dirichlet');
    checkPerClient(input, 'minSize', minSize);
    return partitionDirichlet(y, classCount(y), input.clients, alpha, minSize, input.rng);
  },
});
