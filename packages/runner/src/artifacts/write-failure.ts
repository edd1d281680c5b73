import { errors, type StarlingError } from '@starling/core';

/**
 * The error of a run-folder write that failed: a `runtime` StarlingError (exit code 1) naming the file,
 * and saying `disk full` for ENOSPC (and EDQUOT, a full quota), e.g.
 * `cannot write /runs/x/metrics.jsonl: disk full (ENOSPC)`.
 */
export function writeFailure(file: string, err: unknown): StarlingError {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : null;
  const what =
    code === 'ENOSPC' || code === 'EDQUOT' ? `disk full (${code})` : err instanceof Error ? err.message : String(err);
  return errors.runtime(`cannot write ${file}: ${what}`, err);
}
