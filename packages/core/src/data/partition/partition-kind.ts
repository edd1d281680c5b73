import type { z } from 'zod';
import { errors } from '../../errors.js';
import type { Rng } from '../../rng/rng.js';
import { parseSpec } from '../../spec/parse-spec.js';

/** What a partitioner splits: the training labels over `clients` clients, drawing from `rng`. */
export interface PartitionInput {
  readonly labels: Int32Array | Float32Array;
  readonly clients: number;
  /** Already forked for partitioning (`rng.fork('partition')`). */
  readonly rng: Rng;
  /** Where the spec sits in the experiment (`algorithm.partition`), for error messages. */
  readonly path: string;
}

/** A partitioner kind: its spec schema (defaults live here only) and its split. */
export interface PartitionKind<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly schema: S;
  /** Parses `value` (errors name `input.path`) and returns one index array per client. */
  split(value: unknown, input: PartitionInput): Int32Array[];
}

/** Declares a partitioner from its schema and a split over the parsed options. */
export function partitionKind<S extends z.ZodType>(def: {
  readonly kind: string;
  readonly schema: S;
  readonly split: (options: z.output<S>, input: PartitionInput) => Int32Array[];
}): PartitionKind<S> {
  return {
    kind: def.kind,
    schema: def.schema,
    split: (value, input) => def.split(parseSpec(def.schema, value, input.path), input),
  };
}

/** The class labels of a classification set; regression targets are an error naming `path.kind`. */
export function classLabels(input: PartitionInput, kind: string): Int32Array {
  if (!(input.labels instanceof Int32Array)) {
    throw errors.option(`${input.path}.kind`, 'iid or lognormal for a regression dataset (no class labels)', kind);
  }
  return input.labels;
}

/** Checks that `perClient` examples for every client fit in the training set. */
export function checkPerClient(input: PartitionInput, option: string, perClient: number): void {
  const n = input.labels.length;
  if (perClient * input.clients > n) {
    throw errors.option(`${input.path}.${option}`, `at most ${Math.floor(n / input.clients)} (n / clients)`, perClient);
  }
}
