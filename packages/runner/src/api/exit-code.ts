import { StarlingError, USAGE_CODES } from '@starling/core';

/** The exit code of an interrupted run (128 + SIGINT, what a shell reports after Ctrl-C). */
export const INTERRUPTED_EXIT_CODE = 130;

/**
 * Exit codes: 0 success, 1 a run that failed, 2 bad arguments, config or data (a usage-class error),
 * 130 a run stopped by SIGINT/SIGTERM (StarlingError code `interrupted`).
 */
export function exitCodeFor(err: unknown): number {
  if (err instanceof StarlingError) {
    if (err.code === 'interrupted') return INTERRUPTED_EXIT_CODE;
    return USAGE_CODES.has(err.code) ? 2 : 1;
  }
  return 1;
}

/** Whether `err` is the error of an interrupted run (a signal or an aborted `AbortSignal`). */
export function isInterrupted(err: unknown): err is StarlingError {
  return err instanceof StarlingError && err.code === 'interrupted';
}
