import { errors } from '../../errors.js';
import type { Rng } from '../../rng/rng.js';
import { checkKeys, intAtLeast, nonNegative } from '../options.js';
import { partitionDirichlet } from './dirichlet.js';
import { partitionIid } from './iid.js';
import { partitionLognormal } from './lognormal.js';
import { partitionShards } from './shards.js';

/**
 * How a training set is split over clients (config key `partition`):
 * - `iid`: a seeded permutation cut into near-equal parts.
 * - `shards`: McMahan et al. (2017) label-sorted shards, `shardsPerClient` (default 2) per client.
 * - `dirichlet`: per-class proportions over clients from `Dir(alpha)`; `minSize` (default 1) examples
 *   at least per client.
 * - `lognormal`: client sizes ∝ `LogNormal(0, sigma²)`, examples assigned IID; `minSize` default 1.
 */
export type PartitionSpec =
  | { kind: 'iid' }
  | { kind: 'shards'; shardsPerClient?: number }
  | { kind: 'dirichlet'; alpha: number; minSize?: number }
  | { kind: 'lognormal'; sigma: number; minSize?: number };

/** The partitioner names. */
export const PARTITION_KINDS = ['iid', 'shards', 'dirichlet', 'lognormal'] as const;

/**
 * Splits the examples with these labels over `clients` clients: returns one `Int32Array` of example
 * indices per client (increasing order), every index in `[0, labels.length)` in exactly one of them.
 * Options are validated with messages naming `path.<option>`. Draws from `rng.fork('partition')` only,
 * so the caller's stream is not advanced. `shards` and `dirichlet` need class labels (an Int32Array).
 */
export function partition(
  spec: PartitionSpec,
  labels: Int32Array | Float32Array,
  clients: number,
  rng: Rng,
  path = 'partition',
): Int32Array[] {
  const n = labels.length;
  const kind = (spec as { kind: unknown }).kind;
  if (!PARTITION_KINDS.includes(kind as PartitionSpec['kind'])) {
    throw errors.unknownKind(`${path}.kind`, String(kind), PARTITION_KINDS);
  }
  if (typeof clients !== 'number' || !Number.isInteger(clients) || clients < 1 || clients > n) {
    throw errors.option('clients', `an integer in [1, ${n}] (the number of training examples)`, clients);
  }
  const r = rng.fork('partition');
  const needLabels = (): Int32Array => {
    if (!(labels instanceof Int32Array)) {
      throw errors.option(`${path}.kind`, 'iid or lognormal for a regression dataset (no class labels)', kind);
    }
    return labels;
  };
  const minSize = (value: unknown): number => {
    const m = intAtLeast(`${path}.minSize`, value, 0, 1);
    if (m * clients > n) throw errors.option(`${path}.minSize`, `at most ${Math.floor(n / clients)} (n / clients)`, m);
    return m;
  };
  switch (spec.kind) {
    case 'iid':
      checkKeys(spec, ['kind'], path);
      return partitionIid(n, clients, r);
    case 'shards': {
      checkKeys(spec, ['kind', 'shardsPerClient'], path);
      const s = intAtLeast(`${path}.shardsPerClient`, spec.shardsPerClient, 1, 2);
      if (s * clients > n)
        throw errors.option(`${path}.shardsPerClient`, `at most ${Math.floor(n / clients)} (n / clients)`, s);
      return partitionShards(needLabels(), clients, s, r);
    }
    case 'dirichlet': {
      checkKeys(spec, ['kind', 'alpha', 'minSize'], path);
      const alpha = nonNegative(`${path}.alpha`, spec.alpha, undefined, true);
      const y = needLabels();
      return partitionDirichlet(y, classCount(y), clients, alpha, minSize(spec.minSize), r);
    }
    case 'lognormal': {
      checkKeys(spec, ['kind', 'sigma', 'minSize'], path);
      const sigma = nonNegative(`${path}.sigma`, spec.sigma);
      return partitionLognormal(n, clients, sigma, minSize(spec.minSize), r);
    }
  }
}

/** One more than the largest label (0 for no labels). */
export function classCount(labels: Int32Array): number {
  let max = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > max) max = labels[i];
  return max + 1;
}
