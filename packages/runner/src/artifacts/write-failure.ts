import { errors, type StarlingError } from '@starling/core';

/**
 * The error of a run-folder write that failed: a `runtime` StarlingError (exit code 1) naming the file,
 * and saying `disk full` for ENOSPC (and EDQUOT, a full quota), e.g.
 * `cannot write /runs/x/metrics.jsonl: disk full (ENOSPC)`.
 */
export function writeFailure(file: string, err: unknown): StarlingError {
  return errors.runtime(`cannot write ${file}: ${writeProblem(err)}`, err);
}

/** What went wrong in a failed write, for a message: `disk full (ENOSPC)` (or EDQUOT), else the error's own. */
export function writeProblem(err: unknown): string {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : null;
  if (code === 'ENOSPC' || code === 'EDQUOT') return `disk full (${code})`;
  return err instanceof Error ? err.message : String(err);
}
