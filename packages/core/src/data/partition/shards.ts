import type { Rng } from '../../rng/rng.js';

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
