import { z } from 'zod';
import type { Rng } from '../../rng/rng.js';
import { checkPerClient, classLabels, partitionKind } from './partition-kind.js';

/**
 * The pathological non-IID partition of McMahan et al. (2017), "Communication-Efficient Learning of
 * Deep Networks from Decentralized Data" (AISTATS): sort the examples by label (ties by index), cut
 * the sorted order into `S = clients · shardsPerClient` contiguous shards (shard `s` is positions
 * `[⌊s·n/S⌋, ⌊(s+1)·n/S⌋)`, so all have `n/S` examples when S divides n), and give each client
 * `shardsPerClient` shards chosen by a seeded permutation of the shard ids. Most clients then see at
 * most `shardsPerClient` labels. Indices within a client are in increasing order.
 * @param labels class labels in `[0, classes)`; needs `S ≤ n`
 */
export function partitionShards(labels: Int32Array, clients: number, shardsPerClient: number, rng: Rng): Int32Array[] {
  const n = labels.length;
  const sorted = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => labels[a] - labels[b] || a - b);
  const shards = clients * shardsPerClient;
  const order = rng.permutation(shards);
  return Array.from({ length: clients }, (_, c) => {
    const pieces: Int32Array[] = [];
    for (let k = 0; k < shardsPerClient; k++) {
      const s = order[c * shardsPerClient + k];
      pieces.push(sorted.subarray(Math.floor((s * n) / shards), Math.floor(((s + 1) * n) / shards)));
    }
    const out = new Int32Array(pieces.reduce((a, p) => a + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      out.set(p, at);
      at += p.length;
    }
    return out.sort();
  });
}

/** `shards`: McMahan et al. (2017) label-sorted shards, `shardsPerClient` (default 2) per client. */
export const shardsPartition = partitionKind({
  kind: 'shards',
  schema: z.strictObject({ kind: z.literal('shards'), shardsPerClient: z.number().int().positive().default(2) }),
  split: ({ shardsPerClient }, input) => {
    checkPerClient(input, 'shardsPerClient', shardsPerClient);
    return partitionShards(classLabels(input, 'shards'), input.clients, shardsPerClient, input.rng);
  },
});
