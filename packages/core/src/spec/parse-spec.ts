import type { z } from 'zod';
import { StarlingError } from '../errors.js';
import { formatIssues, issuePath } from './format-issues.js';

/**
 * Validates `raw` with `schema` and returns the result with every default filled in. On failure throws
 * one `config` StarlingError listing every problem in Starling's form (`<path> must be <expected>, got
 * <found>`, see `formatIssues`), each path starting with `path` (e.g. `compression.up.ratio`); the
 * error's `path` is the first problem's.
 */
export function parseSpec<T>(schema: z.ZodType<T>, raw: unknown, path: string): T {
  const result = schema.safeParse(raw, { reportInput: true });
  if (result.success) return result.data;
  const lines = formatIssues(result.error.issues, path);
  throw new StarlingError('config', lines.join('; '), { path: issuePath(result.error.issues[0], path) });
}
