import type { z } from 'zod';
import { StarlingError } from '../errors.js';
import { formatIssues } from './format-issues.js';

/**
 * Validates `value` against a plug-in's zod schema and returns the parsed spec with every default
 * filled in. On failure throws one `config` StarlingError whose message lists every problem in
 * Starling's form, each naming the full option path (`path` is where the spec sits in the experiment,
 * e.g. `algorithm.serverOptimizer`): `algorithm.serverOptimizer.lr must be > 0, got -1`.
 */
export function parseSpec<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, path);
  const first = result.error.issues[0]?.path ?? [];
  const where = [path, ...first.map(String)].filter((s) => s !== '').join('.');
  throw new StarlingError('config', lines.join('; '), { path: where });
}
