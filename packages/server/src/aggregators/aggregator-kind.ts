import type { z } from 'zod';
import type { Aggregator } from './aggregator.js';

/**
 * One row of the aggregator table: a kind's name, its options schema and its factory. A kind lives in
 * its own file (`mean.ts`) and is listed once in the `aggregators` table (aggregator-table.ts).
 * @typeParam Spec the validated options, `{ kind, ...options }`
 */
export interface AggregatorKind<Spec extends { readonly kind: string } = { readonly kind: string }> {
  readonly kind: Spec['kind'];
  /** One line for docs and `--help`. */
  readonly summary: string;
  /** Validates `{ kind, ...options }` (strict: unknown keys are errors) and fills defaults. */
  readonly schema: z.ZodType<Spec>;
  /** Builds the aggregator from validated options. */
  create(spec: Spec): Aggregator;
  /**
   * Model-sized float32 vectors the aggregator holds beyond the round's updates (work buffers, bucket
   * means, state; a float64 vector counts 2), for the memory pre-flight. Absent: none.
   * @param updates the most updates a round aggregates
   */
  footprint?(spec: Spec, updates: number): number;
}
