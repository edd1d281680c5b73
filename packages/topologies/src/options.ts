import { errors } from '@starling/core';

/**
 * The largest graph any builder will materialise, in undirected edges (each edge costs two Int32 slots
 * plus weights later). Protects the CLI from `complete --nodes 100000` (5·10^9 edges).
 */
export const MAX_EDGES = 20_000_000;

/** Checks that `value` is an integer in [min, max]; the error names `path`. */
export function intOption(path: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer in [${min}, ${max}]`;
    throw errors.option(path, range, value);
  }
  return value;
}

/** Checks that `value` is a finite number in the interval written by `interval` (e.g. `(0, 1]`). */
export function rangeOption(path: string, value: unknown, lo: number, hi: number, interval: string): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (interval.startsWith('[') ? value >= lo : value > lo) &&
    (interval.endsWith(']') ? value <= hi : value < hi);
  if (!ok) throw errors.option(path, `in ${interval}`, value);
  return value as number;
}

/** Refuses graphs above {@link MAX_EDGES} before allocating them. */
export function checkEdgeBudget(path: string, found: unknown, edges: number, what: string): void {
  if (edges > MAX_EDGES) {
    throw errors.option(path, `small enough for at most ${MAX_EDGES} edges (${what} would have ${edges})`, found);
  }
}
