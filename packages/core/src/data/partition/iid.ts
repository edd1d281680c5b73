import { z } from 'zod';
import type { Rng } from '../../rng/rng.js';
import { partitionKind } from './partition-kind.js';

/**
 * IID partition: a seeded permutation of `0..n−1` cut into `clients` consecutive blocks, client `c`
 * getting positions `[⌊c·n/K⌋, ⌊(c+1)·n/K⌋)`, so sizes differ by at most one. Indices within a client
 * are returned in increasing order.
 */
export function partitionIid(n: number, clients: number, rng: Rng): Int32Array[] {
  const perm = rng.permutation(n);
  return Array.from({ length: clients }, (_, c) =>
    perm.slice(Math.floor((c * n) / clients), Math.floor(((c + 1) * n) / clients)).sort(),
  );
}

/**
 * Splits a seeded permutation of `0..n−1` into consecutive blocks of the given sizes (which sum to n).
 * Indices within a block are returned in increasing order.
 */
export function splitBySizes(n: number, sizes: ArrayLike<number>, rng: Rng): Int32Array[] {
  const perm = rng.permutation(n);
  const parts: Int32Array[] = [];
  let at = 0;
  for (let c = 0; c < sizes.length; c++) {
    parts.push(perm.slice(at, at + sizes[c]).sort());
    at += sizes[c];
  }
  return parts;
}

/** `iid`: a seeded permutation cut into near-equal parts. */
export const iidPartition = partitionKind({
  kind: 'iid',
  schema: z.strictObject({ kind: z.literal('iid') }),
  split: (_, { labels, clients, rng }) => partitionIid(labels.length, clients, rng),
});
