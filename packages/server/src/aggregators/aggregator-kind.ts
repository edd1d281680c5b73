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
}
