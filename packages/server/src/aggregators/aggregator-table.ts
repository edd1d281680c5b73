import { type KindSpec, KindTable, parseSpec } from '@starling/core';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { CENTERED_CLIP_KIND } from './centered-clip.js';
import { GEOMED_KIND } from './geomed.js';
import { KRUM_KIND } from './krum.js';
import { MEAN_KIND } from './mean.js';
import { MEDIAN_KIND } from './median.js';
import { MULTI_KRUM_KIND } from './multi-krum.js';
import { NORM_BOUND_KIND } from './norm-bound.js';
import { TRIMMED_MEAN_KIND } from './trimmed-mean.js';

/**
 * The table of aggregator kinds by name. Adding a kind: its file, and one entry here. The robust kinds
 * (docs/robustness.md) follow the mean in the order docs and error messages list them.
 */
export const aggregators = new KindTable<KindSpec, AggregatorKind<KindSpec>>('aggregator', [
  MEAN_KIND,
  MEDIAN_KIND,
  TRIMMED_MEAN_KIND,
  KRUM_KIND,
  MULTI_KRUM_KIND,
  GEOMED_KIND,
  CENTERED_CLIP_KIND,
  NORM_BOUND_KIND,
]);

/** The schema of `algorithm.aggregator` (any registered kind), composed by the experiment schema. */
export const aggregatorSchema = aggregators.schema;

/** How `makeAggregator` reads a spec. */
export interface MakeAggregatorOptions {
  /** The config path of the spec, for error messages (default `algorithm.aggregator`). */
  readonly path?: string;
  /** The table to look kinds up in (default {@link aggregators}; a test may build an extended one). */
  readonly table?: KindTable<KindSpec, AggregatorKind<KindSpec>>;
}

/**
 * Builds an aggregator from a spec `{ kind, ...options }`: looks the kind up in the table and
 * validates the options with that kind's schema. Errors are `config` errors naming the option path
 * (`algorithm.aggregator.kind must be one of mean, got "median"`).
 */
export function makeAggregator(spec: unknown, options: MakeAggregatorOptions = {}): Aggregator {
  const path = options.path ?? 'algorithm.aggregator';
  const table = options.table ?? aggregators;
  const parsed = parseSpec(table.schema, spec, path);
  return table.require(parsed.kind, `${path}.kind`).create(parsed);
}
