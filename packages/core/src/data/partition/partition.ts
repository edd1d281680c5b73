import type { z } from 'zod';
import { errors } from '../../errors.js';
import type { Rng } from '../../rng/rng.js';
import { KindTable } from '../../spec/kind-table.js';
import { dirichletPartition } from './dirichlet.js';
import { iidPartition } from './iid.js';
import { lognormalPartition } from './lognormal.js';
import { shardsPartition } from './shards.js';

export { classCount } from './class-count.js';

const KINDS = [iidPartition, shardsPartition, dirichletPartition, lognormalPartition] as const;
type Kind = (typeof KINDS)[number];

/** A parsed partition spec (`algorithm.partition`), defaults filled in. docs/data.md lists the kinds. */
export type PartitionSpec = z.output<Kind['schema']>;
/** A partition spec as written (defaults optional). */
export type PartitionInputSpec = z.input<Kind['schema']>;

/** The partitioners by kind; add one in its own file and one line in `KINDS`. */
export const partitions = new KindTable<PartitionSpec, Kind>('partition', KINDS);

/** `algorithm.partition`: any partition spec. */
export const partitionSchema = partitions.schema;

/** The partitioner names (built in). */
export const PARTITION_KINDS = KINDS.map((k) => k.kind);

/**
 * Splits the examples with these labels over `clients` clients: returns one `Int32Array` of example
 * indices per client (increasing order), every index in `[0, labels.length)` in exactly one of them.
 * Options are validated by the kind's schema with messages naming `path.<option>`. Draws from
 * `rng.fork('partition')` only, so the caller's stream is not advanced. `shards` and `dirichlet` need
 * class labels (an Int32Array).
 */
export function partition(
  spec: PartitionInputSpec,
  labels: Int32Array | Float32Array,
  clients: number,
  rng: Rng,
  path = 'partition',
): Int32Array[] {
  const n = labels.length;
  const kind = partitions.require(spec.kind, `${path}.kind`);
  if (typeof clients !== 'number' || !Number.isInteger(clients) || clients < 1 || clients > n) {
    throw errors.option('clients', `an integer in [1, ${n}] (the number of training examples)`, clients);
  }
  return kind.split(spec, { labels, clients, rng: rng.fork('partition'), path });
}
