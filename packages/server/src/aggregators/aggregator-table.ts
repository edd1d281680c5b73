import { errors, type StarlingError } from '@starling/core';
import type { z } from 'zod';
import type { Aggregator } from './aggregator.js';
import type { AggregatorKind } from './aggregator-kind.js';
import { MEAN_KIND } from './mean.js';

/** A table of aggregator kinds by name. */
export type AggregatorTable = Readonly<Record<string, AggregatorKind>>;

/** Every aggregator kind Starling ships. Adding a kind: its file, and one line here. */
export const AGGREGATOR_KINDS: AggregatorTable = {
  mean: MEAN_KIND,
};

/** How `makeAggregator` reads a spec. */
export interface MakeAggregatorOptions {
  /** The config path of the spec, for error messages (default `algorithm.aggregator`). */
  readonly path?: string;
  /** The table to look kinds up in (default `AGGREGATOR_KINDS`; a test may extend it). */
  readonly table?: AggregatorTable;
}

function issueError(path: string, issue: z.core.$ZodIssue): StarlingError {
  const at = [path, ...issue.path.map(String)].join('.');
  const input = (issue as { input?: unknown }).input;
  if (issue.code === 'unrecognized_keys')
    return errors.option(at, `without unknown keys ${issue.keys.join(', ')}`, input);
  if (issue.code === 'too_small') return errors.option(at, `>${issue.inclusive ? '=' : ''} ${issue.minimum}`, input);
  if (issue.code === 'too_big') return errors.option(at, `<${issue.inclusive ? '=' : ''} ${issue.maximum}`, input);
  return errors.option(at, `valid (${issue.message})`, input);
}

/**
 * Builds an aggregator from a spec `{ kind, ...options }`: looks the kind up in the table and
 * validates the options with that kind's schema. Errors are `config` errors naming the option path
 * (`algorithm.aggregator.kind must be one of mean, got "median"`).
 */
export function makeAggregator(spec: unknown, options: MakeAggregatorOptions = {}): Aggregator {
  const path = options.path ?? 'algorithm.aggregator';
  const table = options.table ?? AGGREGATOR_KINDS;
  const kind = typeof spec === 'object' && spec !== null ? (spec as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string' || !Object.hasOwn(table, kind)) {
    throw errors.unknownKind(`${path}.kind`, String(kind), Object.keys(table));
  }
  const entry = table[kind];
  const parsed = entry.schema.safeParse(spec, { reportInput: true });
  if (!parsed.success) throw issueError(path, parsed.error.issues[0]);
  return entry.create(parsed.data);
}
