import { z } from 'zod';
import type { Rng } from '../rng/rng.js';
import { parseSpec } from '../spec/parse-spec.js';
import { type DataSplit, type Dataset, subset } from './dataset.js';

/** What a data kind returns: train and test sets, plus the ground truth of a synthetic task. */
export interface LoadedData extends DataSplit {
  readonly truth?: GroundTruth;
}

/** What a data kind loads with besides its options. */
export interface DataContext {
  /** Already forked for data (`rng.fork('data')`). */
  readonly rng: Rng;
  /** Folder that relative file paths resolve against; default the cwd. */
  readonly baseDir?: string;
}

/** A data kind: its spec schema (defaults live here only) and its loader. */
export interface DataKind<S extends z.ZodType = z.ZodType> {
  readonly kind: string;
  readonly schema: S;
  /** Parses `value` (errors name `path`) and loads the data. */
  load(value: unknown, path: string, context: DataContext): LoadedData;
}

/** Declares a data kind from its schema and a loader over the parsed options. */
export function dataKind<S extends z.ZodType>(def: {
  readonly kind: string;
  readonly schema: S;
  readonly load: (options: z.output<S>, context: DataContext) => LoadedData;
}): DataKind<S> {
  return {
    kind: def.kind,
    schema: def.schema,
    load: (value, path, context) => def.load(parseSpec(def.schema, value, path), context),
  };
}

/** `limit` and `testLimit` of the file-backed kinds: keep a seeded subset of at most that many examples. */
export const limitOptions = {
  limit: z.number().int().positive().optional(),
  testLimit: z.number().int().positive().optional(),
};

/** The synthetic kinds' test size: `nTest`, by default max(1, round(n / 4)) (it depends on `n`). */
export const nTestOption = z.number().int().positive().optional();

/** `nTest` or its default for `n` training examples. */
export function testSize(n: number, nTest: number | undefined): number {
  return nTest ?? Math.max(1, Math.round(n / 4));
}

/** Keeps a seeded random subset (in original order) of at most `limit` / `testLimit` examples. */
export function applyLimits(split: DataSplit, limits: { limit?: number; testLimit?: number }, rng: Rng): DataSplit {
  const cut = (ds: Dataset, max: number | undefined, id: number) =>
    max === undefined || max >= ds.n ? ds : subset(ds, rng.fork('limit', id).sample(ds.n, max));
  return { train: cut(split.train, limits.limit, 0), test: cut(split.test, limits.testLimit, 1) };
}

/** The generating parameters of a synthetic task, so tests and reports can compare against them. */
export type GroundTruth =
  | { kind: 'synthetic-linear'; w: Float32Array; b: number }
  | { kind: 'synthetic-logistic'; w: Float32Array; b: number }
  | { kind: 'synthetic-blobs'; centers: Float32Array }
  | { kind: 'quadratic-consensus'; targets: Float32Array; optimum: Float32Array };
