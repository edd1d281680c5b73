import type { z } from 'zod';
import { StarlingError } from '../errors.js';
import { formatIssues, issuePath } from './format-issues.js';

/**
 * Validates `value` with a plug-in's zod schema and returns the parsed spec with every default filled
 * in. On failure throws one `config` StarlingError listing every problem in Starling's form
 * (`<path> must be <expected>, got <found>`, see `formatIssues`), each naming the full option path
 * under `path` (where the spec sits in the experiment, e.g. `algorithm.serverOptimizer` or
 * `compression.up`); the error's `path` is the first problem's.
 */
export function parseSpec<S extends z.ZodType>(schema: S, value: unknown, path: string): z.output<S> {
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, path);
  throw new StarlingError('config', lines.join('; '), { path: issuePath(result.error.issues[0], path) });
}
