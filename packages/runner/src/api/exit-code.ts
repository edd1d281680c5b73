import { StarlingError, USAGE_CODES } from '@starling/core';

/** Exit codes: 0 success, 1 a run that failed, 2 bad arguments, config or data (a usage-class error). */
export function exitCodeFor(err: unknown): number {
  if (err instanceof StarlingError) return USAGE_CODES.has(err.code) ? 2 : 1;
  return 1;
}
